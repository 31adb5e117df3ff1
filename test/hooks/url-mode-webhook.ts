/**
 * The admission webhook on this machine for a test file: runWebhook on a free
 * port, certificates in a temporary folder, both configurations registered in
 * url mode with its CA. `stop()` unregisters them before closing the server,
 * so later test files never meet a registered webhook that no longer answers.
 */
import { AdmissionregistrationV1Api } from "@kubernetes/client-node";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino, type Logger } from "pino";
import { FolderCertificateStore } from "../../certs/folder-store.js";
import { MUTATING_CONFIGURATION_NAME, VALIDATING_CONFIGURATION_NAME } from "../../src/api/constants.js";
import { urlEndpoint } from "../../webhooks/configurations/build-configurations.js";
import { ADMISSION_CLIENT_CN } from "../../src/envtest/admission-client.js";
import type { CallerPolicy } from "../../webhooks/server/callers.js";
import { runWebhook, type RunningWebhook } from "../../webhooks/server/run-webhook.js";
import { env } from "./control-plane.js";

export interface UrlModeWebhook {
  webhook: RunningWebhook;
  stop(): Promise<void>;
}

/**
 * The caller policy of the test control plane: its apiserver presents a client
 * certificate (CN ADMISSION_CLIENT_CN) signed by the cluster's CA
 * (src/envtest/admission-client.ts), as a cluster configured per
 * docs/admission-callers.md does.
 */
export function testApiserverCallers(): CallerPolicy {
  const caData = env().kc.getCurrentCluster()?.caData ?? "";
  return { mode: "client-certificate", ca: Buffer.from(caData, "base64").toString("utf8"), commonNames: [ADMISSION_CLIENT_CN] };
}

/** Starts the webhook (logs silenced unless `logger` is given) and registers it; call `stop()` in `after`. */
export async function startUrlModeWebhook(prefix: string, callers: CallerPolicy = testApiserverCallers(), logger: Logger = pino({ level: "silent" })): Promise<UrlModeWebhook> {
  const dir = await mkdtemp(join(tmpdir(), `${prefix}-`));
  const webhook = await runWebhook({
    kc: env().kc,
    store: new FolderCertificateStore(dir),
    endpoint: (port) => urlEndpoint(port),
    port: 0,
    host: "127.0.0.1",
    callers,
    logger,
  });
  return {
    webhook,
    stop: async () => {
      const api = env().kc.makeApiClient(AdmissionregistrationV1Api);
      await api.deleteValidatingWebhookConfiguration({ name: VALIDATING_CONFIGURATION_NAME }).catch(() => undefined);
      await api.deleteMutatingWebhookConfiguration({ name: MUTATING_CONFIGURATION_NAME }).catch(() => undefined);
      await webhook.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
