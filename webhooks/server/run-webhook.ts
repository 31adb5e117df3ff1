/**
 * Everything `discourse-operator webhook` (and `run`) needs in one call:
 * certificates loaded or created, the HTTPS server, the webhook
 * configurations registered with the CA bundle, and renewal while running.
 */
import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node";
import { setTimeout as sleep } from "node:timers/promises";
import { WEBHOOK_PORT } from "../../src/api/constants.js";
import { makeKeepAliveClient } from "../../src/kube/keep-alive.js";
import { logger as rootLogger, type Logger } from "../../src/log.js";
import { defaultCertificateOptions } from "../../certs/dns-names.js";
import { loadOrCreateCertificates, startCertificateRotation, type CertificateRotation } from "../../certs/rotation.js";
import type { CertificateStore } from "../../certs/store.js";
import type { CertificateOptions, CertificateSet } from "../../certs/types.js";
import { type WebhookEndpoint } from "../configurations/build-configurations.js";
import { injectCaBundle, registerWebhooks } from "../configurations/register-webhooks.js";
import { CachedFactsSource } from "../facts/cached-facts.js";
import { startWebhookServer, type WebhookServer, type WebhookServerOptions } from "./start-webhook-server.js";

export interface RunWebhookOptions {
  kc: KubeConfig;
  /** Where certificates survive restarts: FolderCertificateStore locally, SecretCertificateStore in a cluster. */
  store: CertificateStore;
  /**
   * How the apiserver reaches this server, given the port listened on; null
   * leaves the webhook configurations alone (e.g. installed by manifests, caBundle still injected).
   */
  endpoint: ((port: number) => WebhookEndpoint) | null;
  /** Port to listen on; 0 for a free one. Default 9443. */
  port?: number;
  host?: string;
  certificates?: Partial<CertificateOptions>;
  /** Time between renewal checks, ms. Default 5 minutes. */
  checkIntervalMs?: number;
  /** Wait between publishing a new caBundle and serving the new certificate, ms. Default 5000. */
  swapDelayMs?: number;
  timeouts?: WebhookServerOptions["timeouts"];
  /** Who may cause side effects (callers.ts). Default `untrusted`. */
  callers?: WebhookServerOptions["callers"];
  logger?: Logger;
}

export interface RunningWebhook {
  port: number;
  server: WebhookServer;
  rotation: CertificateRotation;
  /** The certificates served now. */
  certificates(): CertificateSet;
  /** The cluster facts the webhooks read (an informer on Discourses, a Secret cache). */
  facts: CachedFactsSource;
  /** Ready to answer from memory: the Discourse informer has synced (what /readyz reports too). */
  ready(): boolean;
  close(): Promise<void>;
}

/**
 * Start the webhook. Cluster facts come from memory (CachedFactsSource: an
 * informer on Discourses, started here and stopped by `close()`; /readyz
 * answers 503 until it has synced, requests are answered meanwhile by
 * listing). On renewal the new caBundle (old CA + new CA) is
 * written into both configurations first, then, after `swapDelayMs`, the new
 * certificate is served.
 *
 * @throws Error when certificates cannot be loaded/stored, the port is taken,
 *   or the configurations cannot be written.
 */
export async function runWebhook(opts: RunWebhookOptions): Promise<RunningWebhook> {
  const log = (opts.logger ?? rootLogger).child({ component: "webhook" });
  const certOptions = defaultCertificateOptions(opts.certificates);
  const initial = await loadOrCreateCertificates(opts.store, certOptions);
  log.info({ store: opts.store.location, outcome: initial.outcome }, "webhook certificates ready");
  const facts = CachedFactsSource.fromKubeConfig(opts.kc, { logger: opts.logger ?? rootLogger });
  facts.start();
  void facts.whenSynced.then(() => log.info({ hostnames: facts.index.size }, "Discourse informer synced: answering from memory"));
  let server: WebhookServer | undefined;
  try {
    server = await startWebhookServer({
      tls: initial.stored.set,
      facts,
      secrets: facts.recordingCreator(makeKeepAliveClient(opts.kc, CoreV1Api)),
      ready: () => facts.synced,
      port: opts.port ?? WEBHOOK_PORT,
      ...(opts.host ? { host: opts.host } : {}),
      ...(opts.timeouts ? { timeouts: opts.timeouts } : {}),
      ...(opts.callers ? { callers: opts.callers } : {}),
      logger: opts.logger ?? rootLogger,
    });
    if (opts.endpoint) await registerWebhooks(opts.kc, opts.endpoint(server.port), initial.stored.set.caBundle);
    else await injectCaBundle(opts.kc, initial.stored.set.caBundle);
  } catch (err) {
    await server?.close();
    await facts.stop();
    throw err;
  }
  const serving = server;
  const rotation = startCertificateRotation({
    store: opts.store,
    options: certOptions,
    initial: initial.stored,
    checkIntervalMs: opts.checkIntervalMs ?? 5 * 60_000,
    logger: log,
    onChange: async (set) => {
      await injectCaBundle(opts.kc, set.caBundle);
      await sleep(opts.swapDelayMs ?? 5000);
      serving.setCertificate(set);
    },
  });
  return {
    port: serving.port,
    server: serving,
    rotation,
    certificates: () => rotation.current(),
    facts,
    ready: () => facts.synced,
    close: async () => {
      rotation.stop();
      await serving.close();
      await facts.stop();
    },
  };
}
