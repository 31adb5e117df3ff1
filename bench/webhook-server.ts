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
import type { AddressInfo } from "node:net";
import { expectStatus, type BenchCluster } from "./cluster.js";
import { startBaseline } from "./webhook.js";
import { decodeAdmissionReview } from "../webhooks/admission/decode-review.js";
import { processMutate } from "../webhooks/admission/process-mutate.js";
import { ADMISSION_API_VERSION, ADMISSION_KIND } from "../webhooks/admission/types.js";
import { emptyFacts } from "../webhooks/facts/types.js";

export interface BenchWebhook {
  running: RunningWebhook;
  /** HTTP requests received so far. */
  requests(): number;
  /** Registers both configurations (url mode, this port, the served CA). */
  register(): Promise<void>;
  /** Deletes both configurations. */
  unregister(): Promise<void>;
  /**
   * The same two configurations pointed at a no-op webhook in this process (bench/webhook.ts
   * startBaseline: same certificate, parses the review, answers allowed without a patch):
   * what any webhook costs through the apiserver, the baseline of admission.added_*.
   */
  noop: { register(): Promise<void>; requests(): number };
  /**
   * A no-op like `noop` whose mutating path answers with the patch the operator's own
   * processor makes for the object (computed once per object, outside the timing of later
   * requests): what the apiserver spends applying the defaults, whatever server made them.
   */
  patching: { register(): Promise<void>; requests(): number };
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
  const served = running.certificates();
  const noop = await startBaseline({ cert: served.cert, key: served.key });
  let noopCount = 0;
  noop.on("request", () => noopCount++);
  const noopPort = (noop.address() as AddressInfo).port;
  const patching = await startBaseline({ cert: served.cert, key: served.key }, (request) => {
    const decoded = decodeAdmissionReview({ apiVersion: ADMISSION_API_VERSION, kind: ADMISSION_KIND, request });
    return "error" in decoded ? undefined : processMutate(decoded.request, emptyFacts()).patch;
  });
  let patchingCount = 0;
  patching.on("request", () => patchingCount++);
  const patchingPort = (patching.address() as AddressInfo).port;
  return {
    running,
    requests: () => count,
    register: () => registerWebhooks(cluster.kc, urlEndpoint(running.port), running.certificates().caBundle),
    unregister: async () => {
      for (const path of CONFIG_PATHS) expectStatus(await cluster.api("DELETE", path), [200, 404], `deleting ${path}`);
    },
    noop: {
      register: () => registerWebhooks(cluster.kc, urlEndpoint(noopPort), served.caBundle),
      requests: () => noopCount,
    },
    patching: {
      register: () => registerWebhooks(cluster.kc, urlEndpoint(patchingPort), served.caBundle),
      requests: () => patchingCount,
    },
    close: async () => {
      for (const server of [noop, patching]) {
        server.closeAllConnections();
        server.close();
      }
      await running.close();
    },
  };
}
