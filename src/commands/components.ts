/**
 * Starting the operator's two components from CLI options; shared by the
 * `webhook`, `reconciler` and `run` commands.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import { hostname } from "node:os";
import type { ReconcilerHandle } from "../../reconciler/controller.js";
import type { Shard } from "../../reconciler/shard/shard.js";
import type { CallerPolicy } from "../../webhooks/server/callers.js";
import type { ClusterAccess } from "../kube/cluster-access.js";
import type { RunningWebhook } from "../../webhooks/server/run-webhook.js";
import { OPERATOR_NAMESPACE, WEBHOOK_SERVICE_NAME } from "../api/constants.js";
import { collectDefaultMetrics, Registry } from "prom-client";
import { startProbeServer } from "../http/probe-server.js";
import { logger } from "../log.js";
import { parseBindAddress, podNamespace } from "./options.js";

export interface WebhookFlags {
  webhookPort: number;
  certDir?: string;
  certSecret?: string;
  urlHost?: string;
  /** PEM file of the CA that signs the apiserver's webhook client certificate (callers.ts). */
  clientCa?: string;
  /** Common names accepted from that CA, comma-separated; any when absent. */
  clientCn?: string;
  /** Take every caller as the API server (only where a NetworkPolicy lets only the control plane reach the port). */
  trustNetwork?: boolean;
}

/**
 * The caller policy of the flags (webhooks/server/callers.ts): --client-ca
 * verifies client certificates, --trust-network trusts the network, neither
 * trusts nobody (no request creates a Secret).
 * @param fallback - the policy when neither flag is given (`run` on a local control plane).
 * @throws Error when both are given, or the CA file cannot be read.
 */
export function callerPolicy(flags: WebhookFlags, fallback?: CallerPolicy): CallerPolicy {
  if (flags.clientCa && flags.trustNetwork) throw new Error("--client-ca and --trust-network exclude each other");
  if (flags.trustNetwork) return { mode: "trusted-network" };
  if (!flags.clientCa) return fallback ?? { mode: "untrusted" };
  const commonNames = (flags.clientCn ?? "").split(",").map((n) => n.trim()).filter((n) => n !== "");
  return { mode: "client-certificate", ca: readFileSync(flags.clientCa, "utf8"), ...(commonNames.length > 0 ? { commonNames } : {}) };
}

/**
 * Starts the admission webhook: certificates from a Secret (--cert-secret, in
 * the pod's namespace) or a folder (--cert-dir), HTTPS on --webhook-port; with
 * --url-host the webhook configurations are (re)registered in url mode,
 * otherwise only their caBundle is injected; --client-ca / --trust-network
 * say who may cause side effects (callerPolicy).
 */
export async function startWebhookComponent(kc: KubeConfig, flags: WebhookFlags, fallbackCallers?: CallerPolicy): Promise<RunningWebhook> {
  // Loaded here, not at the top: a reconciler process never loads the webhook stack.
  const [{ CoreV1Api }, { FolderCertificateStore, DEFAULT_CERT_DIR }, { SecretCertificateStore }, { serviceDnsNames }, { urlEndpoint }, { runWebhook }] = await Promise.all([
    import("@kubernetes/client-node"),
    import("../../certs/folder-store.js"),
    import("../../certs/secret-store.js"),
    import("../../certs/dns-names.js"),
    import("../../webhooks/configurations/build-configurations.js"),
    import("../../webhooks/server/run-webhook.js"),
  ]);
  const namespace = podNamespace(OPERATOR_NAMESPACE);
  const store = flags.certSecret
    ? new SecretCertificateStore(kc.makeApiClient(CoreV1Api), namespace, flags.certSecret)
    : new FolderCertificateStore(flags.certDir ?? DEFAULT_CERT_DIR);
  const urlHost = flags.urlHost;
  const running = await runWebhook({
    kc,
    store,
    port: flags.webhookPort,
    ...(urlHost ? { host: urlHost } : {}),
    endpoint: urlHost ? (port: number) => urlEndpoint(port, urlHost) : null,
    certificates: { dnsNames: [...serviceDnsNames(WEBHOOK_SERVICE_NAME, namespace), "localhost"] },
    callers: callerPolicy(flags, fallbackCallers),
  });
  logger.info({ component: "webhook", port: running.port }, `admission webhook serving HTTPS on port ${running.port}`);
  return running;
}

export interface ReconcilerFlags {
  leaderElect: boolean;
  concurrency: number;
  resyncPeriod: number;
  orphanSecretGrace: number;
  namespace?: string;
  shard?: Shard;
}

/** Starts the reconciler; with --leader-elect it competes for a Lease in the pod's namespace (its shard's Lease with --shard). */
export async function startReconcilerComponent(kc: ClusterAccess | KubeConfig, flags: ReconcilerFlags): Promise<ReconcilerHandle> {
  const { startReconciler } = await import("../../reconciler/controller.js");
  const handle = await startReconciler({
    kc,
    concurrency: flags.concurrency,
    resyncPeriodMs: flags.resyncPeriod,
    orphanSecretGraceMs: flags.orphanSecretGrace,
    ...(flags.namespace ? { namespace: flags.namespace } : {}),
    ...(flags.shard ? { shard: flags.shard } : {}),
    leaderElection: {
      enabled: flags.leaderElect,
      namespace: podNamespace(OPERATOR_NAMESPACE),
      identity: process.env.POD_NAME || `${hostname()}-${process.pid}`,
    },
  });
  return handle;
}

/** Starts the probe/metrics server on `address` unless it is "0". */
export async function startProbes(address: string, ready: () => boolean, handle?: ReconcilerHandle): Promise<Server | null> {
  const bind = parseBindAddress(address);
  if (!bind) return null;
  const server = await startProbeServer({ ...bind, ready, registries: [processRegistry(), ...(handle ? [handle.metrics.registry] : [])] });
  logger.info({ component: "probes", address }, `serving /healthz, /readyz and /metrics on ${address}`);
  return server;
}

let processMetrics: Registry | undefined;

/**
 * The process's own metrics, once per process: prom-client's default set
 * (`process_resident_memory_bytes`, `nodejs_heap_size_used_bytes`, event-loop lag, GC),
 * as a Go operator exports `process_*` and `go_memstats_*`.
 */
function processRegistry(): Registry {
  if (!processMetrics) {
    processMetrics = new Registry();
    collectDefaultMetrics({ register: processMetrics });
  }
  return processMetrics;
}

/**
 * Runs `stop` once on SIGTERM or SIGINT, then exits; a later second signal exits at once.
 * In-flight work drains inside `stop`.
 */
export function onShutdown(stop: () => Promise<void>): void {
  let stoppingSince = 0;
  const handler = (signal: NodeJS.Signals): void => {
    // npm forwards the terminal's signal, so one Ctrl-C can arrive twice: only a
    // signal more than a second after the first forces an exit.
    if (stoppingSince) {
      if (Date.now() - stoppingSince > 1000) process.exit(1);
      return;
    }
    stoppingSince = Date.now();
    logger.info({ signal }, `received ${signal}, draining in-flight work`);
    stop()
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        logger.error({ err: err instanceof Error ? err.message : String(err) }, "shutdown failed");
        process.exit(1);
      });
  };
  process.on("SIGTERM", handler);
  process.on("SIGINT", handler);
}
