/**
 * Putting the webhook configurations into a cluster, and keeping their
 * caBundle current after a certificate renewal.
 */
import { AdmissionregistrationV1Api, type KubeConfig } from "@kubernetes/client-node";
import { MUTATING_CONFIGURATION_NAME, VALIDATING_CONFIGURATION_NAME } from "../../src/api/constants.js";
import { apiErrorCode } from "../../src/kube/errors.js";
import {
  buildMutatingWebhookConfiguration,
  buildValidatingWebhookConfiguration,
  type WebhookEndpoint,
} from "./build-configurations.js";

type Api = AdmissionregistrationV1Api;
const ATTEMPTS = 5;

/** The object, or null on 404 Not Found; other errors are rethrown. */
async function readOrNull<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (err) {
    if (apiErrorCode(err) === 404) return null;
    throw err;
  }
}

/** Run `step` again while it fails with 409 Conflict (someone else wrote between our read and write). */
async function retryOnConflict(what: string, step: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await step();
      return;
    } catch (err) {
      const code = apiErrorCode(err);
      if (code !== 409 || attempt >= ATTEMPTS) {
        throw new Error(`${what} failed with HTTP ${code ?? (err instanceof Error ? err.message : "error")}`);
      }
    }
  }
}

async function upsertValidating(api: Api, endpoint: WebhookEndpoint, caBundle: string): Promise<void> {
  const body = buildValidatingWebhookConfiguration(endpoint, caBundle);
  const name = VALIDATING_CONFIGURATION_NAME;
  await retryOnConflict(`writing ValidatingWebhookConfiguration ${name}`, async () => {
    const live = await readOrNull(() => api.readValidatingWebhookConfiguration({ name }));
    if (!live) await api.createValidatingWebhookConfiguration({ body });
    else await api.replaceValidatingWebhookConfiguration({ name, body: { ...body, metadata: { ...body.metadata, resourceVersion: live.metadata?.resourceVersion } } });
  });
}

async function upsertMutating(api: Api, endpoint: WebhookEndpoint, caBundle: string): Promise<void> {
  const body = buildMutatingWebhookConfiguration(endpoint, caBundle);
  const name = MUTATING_CONFIGURATION_NAME;
  await retryOnConflict(`writing MutatingWebhookConfiguration ${name}`, async () => {
    const live = await readOrNull(() => api.readMutatingWebhookConfiguration({ name }));
    if (!live) await api.createMutatingWebhookConfiguration({ body });
    else await api.replaceMutatingWebhookConfiguration({ name, body: { ...body, metadata: { ...body.metadata, resourceVersion: live.metadata?.resourceVersion } } });
  });
}

/**
 * Create or update both webhook configurations so they match the builders.
 *
 * @param kc - credentials allowed to create/update validating- and mutatingwebhookconfigurations.
 * @param endpoint - service (in cluster) or url (webhook on this machine).
 * @param caBundlePem - PEM bundle the apiserver must trust.
 * @throws Error naming the configuration when the API server refuses.
 */
export async function registerWebhooks(kc: KubeConfig, endpoint: WebhookEndpoint, caBundlePem: string): Promise<void> {
  const api = kc.makeApiClient(AdmissionregistrationV1Api);
  await upsertValidating(api, endpoint, caBundlePem);
  await upsertMutating(api, endpoint, caBundlePem);
}

/** JSON Patch (RFC 6902) setting the caBundle of the first `webhookCount` webhooks, and nothing else. */
export function caBundlePatch(webhookCount: number, caBundlePem: string): object[] {
  const value = Buffer.from(caBundlePem, "utf8").toString("base64");
  const ops: object[] = [];
  for (let i = 0; i < webhookCount; i++) ops.push({ op: "add", path: `/webhooks/${i}/clientConfig/caBundle`, value });
  return ops;
}

/**
 * Write a new caBundle into both configurations (after a renewal) with a
 * JSON Patch; the rest of each configuration is left as it is. A
 * configuration that does not exist is skipped (not registered by us).
 *
 * @throws Error naming the configuration when the API server refuses.
 */
export async function injectCaBundle(kc: KubeConfig, caBundlePem: string): Promise<void> {
  const api = kc.makeApiClient(AdmissionregistrationV1Api);
  const targets = [
    { name: VALIDATING_CONFIGURATION_NAME, read: (name: string) => api.readValidatingWebhookConfiguration({ name }), patch: (name: string, body: object[]) => api.patchValidatingWebhookConfiguration({ name, body }) },
    { name: MUTATING_CONFIGURATION_NAME, read: (name: string) => api.readMutatingWebhookConfiguration({ name }), patch: (name: string, body: object[]) => api.patchMutatingWebhookConfiguration({ name, body }) },
  ];
  for (const t of targets) {
    await retryOnConflict(`patching caBundle of ${t.name}`, async () => {
      const live = await readOrNull(() => t.read(t.name));
      if (!live) return;
      const ops = caBundlePatch(live.webhooks?.length ?? 0, caBundlePem);
      if (ops.length > 0) await t.patch(t.name, ops);
    });
  }
}
