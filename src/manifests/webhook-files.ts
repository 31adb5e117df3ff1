/**
 * The webhook configurations in service mode, written to manifests/webhook/.
 * They carry no caBundle: the webhook injects its CA at startup and after each
 * renewal, and `kubectl apply` leaves a field it never set alone.
 */
import {
  buildMutatingWebhookConfiguration,
  buildValidatingWebhookConfiguration,
  serviceEndpoint,
} from "../../webhooks/configurations/build-configurations.js";
import { OPERATOR_NAMESPACE } from "../api/constants.js";

/** Port of the webhook Service in manifests/operator/services.yaml (443 → container 9443). */
export const WEBHOOK_SERVICE_PORT = 443;

function withoutCaBundle<T extends { webhooks?: Array<{ clientConfig: { caBundle?: string } }> }>(config: T): T {
  for (const w of config.webhooks ?? []) delete w.clientConfig.caBundle;
  return config;
}

export function webhookConfigurationFiles(): Array<[string, unknown]> {
  const endpoint = serviceEndpoint(OPERATOR_NAMESPACE, WEBHOOK_SERVICE_PORT);
  return [
    ["manifests/webhook/validating.yaml", withoutCaBundle(buildValidatingWebhookConfiguration(endpoint, ""))],
    ["manifests/webhook/mutating.yaml", withoutCaBundle(buildMutatingWebhookConfiguration(endpoint, ""))],
  ];
}
