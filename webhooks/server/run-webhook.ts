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
import { KubeFactsSource } from "../facts/kube-facts.js";
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
  logger?: Logger;
}

export interface RunningWebhook {
  port: number;
  server: WebhookServer;
  rotation: CertificateRotation;
  /** The certificates served now. */
  certificates(): CertificateSet;
  close(): Promise<void>;
}

/**
 * Start the webhook. On renewal the new caBundle (old CA + new CA) is
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
  const server = await startWebhookServer({
    tls: initial.stored.set,
    facts: KubeFactsSource.fromKubeConfig(opts.kc),
    secrets: makeKeepAliveClient(opts.kc, CoreV1Api),
    port: opts.port ?? WEBHOOK_PORT,
    ...(opts.host ? { host: opts.host } : {}),
    ...(opts.timeouts ? { timeouts: opts.timeouts } : {}),
    logger: opts.logger ?? rootLogger,
  });
  if (opts.endpoint) await registerWebhooks(opts.kc, opts.endpoint(server.port), initial.stored.set.caBundle);
  else await injectCaBundle(opts.kc, initial.stored.set.caBundle);
  const rotation = startCertificateRotation({
    store: opts.store,
    options: certOptions,
    initial: initial.stored,
    checkIntervalMs: opts.checkIntervalMs ?? 5 * 60_000,
    logger: log,
    onChange: async (set) => {
      await injectCaBundle(opts.kc, set.caBundle);
      await sleep(opts.swapDelayMs ?? 5000);
      server.setCertificate(set);
    },
  });
  return {
    port: server.port,
    server,
    rotation,
    certificates: () => rotation.current(),
    close: async () => {
      rotation.stop();
      await server.close();
    },
  };
}
