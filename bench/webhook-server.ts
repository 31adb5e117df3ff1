/**
 * The operator's webhook as `discourse-operator webhook --url-host 127.0.0.1`
 * runs it (runWebhook: certificates in a folder, HTTPS, both configurations
 * registered in url mode), with its log lines going to a file, plus a count
 * of the HTTP requests it received (to check that the apiserver calls it, or not).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { FolderCertificateStore } from "../certs/folder-store.js";
import { MUTATING_CONFIGURATION_NAME, VALIDATING_CONFIGURATION_NAME } from "../src/api/constants.js";
import { urlEndpoint } from "../webhooks/configurations/build-configurations.js";
import { registerWebhooks } from "../webhooks/configurations/register-webhooks.js";
import { runWebhook, type RunningWebhook } from "../webhooks/server/run-webhook.js";
import { expectStatus, type BenchCluster } from "./cluster.js";

export interface BenchWebhook {
  running: RunningWebhook;
  /** HTTP requests received so far. */
  requests(): number;
  /** Registers both configurations (url mode, this port, the served CA). */
  register(): Promise<void>;
  /** Deletes both configurations. */
  unregister(): Promise<void>;
  close(): Promise<void>;
}

const CONFIG_PATHS = [
  `/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/${VALIDATING_CONFIGURATION_NAME}`,
  `/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/${MUTATING_CONFIGURATION_NAME}`,
];

/** Starts the webhook (registered) on a free port of 127.0.0.1; log lines go to `logPath` (JSON, as in a cluster). */
export async function startBenchWebhook(cluster: BenchCluster, logPath: string): Promise<BenchWebhook> {
  const running = await runWebhook({
    kc: cluster.kc,
    store: new FolderCertificateStore(mkdtempSync(join(tmpdir(), "bench-certs-"))),
    endpoint: (port) => urlEndpoint(port),
    port: 0,
    host: "127.0.0.1",
    // The load generator stands in for the apiserver: measure the path its requests take
    // (Secret facts, credentials creation), not the cheaper one of an untrusted caller.
    callers: { mode: "trusted-network" },
    logger: pino({ level: "info", base: undefined }, pino.destination({ dest: logPath, sync: false })),
  });
  let count = 0;
  running.server.server.on("request", () => count++);
  return {
    running,
    requests: () => count,
    register: () => registerWebhooks(cluster.kc, urlEndpoint(running.port), running.certificates().caBundle),
    unregister: async () => {
      for (const path of CONFIG_PATHS) expectStatus(await cluster.api("DELETE", path), [200, 404], `deleting ${path}`);
    },
    close: () => running.close(),
  };
}
