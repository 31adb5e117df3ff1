/**
 * The HTTPS server of both admission webhooks (node:https + express). The
 * serving certificate can be swapped while running (`setCertificate`, via
 * tls.Server#setSecureContext): new connections get the new certificate,
 * open ones finish with the old, no restart and no failed request.
 */
import { createServer, type Server } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { WEBHOOK_PORT } from "../../src/api/constants.js";
import { logger as rootLogger, type Logger } from "../../src/log.js";
import type { SecretCreator } from "../credentials/ensure-credentials-secret.js";
import type { FactsSource } from "../facts/types.js";
import type { DiscourseLookup } from "../facts/discourse-lookup.js";
import { createWebhookHandler } from "./app.js";
import { UNTRUSTED, callerOf, tlsOptionsFor, type CallerPolicy } from "./callers.js";
import { createWebhookMetrics, type WebhookMetrics } from "./metrics.js";

/** Timeouts against slow or stuck clients, in milliseconds. */
export interface ServerTimeouts {
  /** Time to finish the TLS handshake. Default 5000. */
  handshakeMs: number;
  /** Time to receive the request headers (Node's headersTimeout). Default 5000. */
  headersMs: number;
  /** Time to receive the whole request (Node's requestTimeout). Default 15000. */
  requestMs: number;
  /** How often Node checks the two above. Default 1000. */
  checkIntervalMs: number;
}

export interface WebhookServerOptions {
  /** PEM serving certificate (with its chain, if any) and key. */
  tls: { cert: string; key: string };
  facts: FactsSource;
  /** Creates the credentials Secret on CREATE; without it no Secret is created. */
  secrets?: SecretCreator;
  /** Whether a Discourse exists (DiscourseBackup CREATE); not checked when absent. */
  discourses?: DiscourseLookup;
  /** TCP port; 0 picks a free one. Default 9443. */
  port?: number;
  /** Address to listen on. Default all interfaces. */
  host?: string;
  timeouts?: Partial<ServerTimeouts>;
  /** Give up gathering cluster facts after this many milliseconds. Default 6000 (webhook timeout is 10 s). */
  factsTimeoutMs?: number;
  logger?: Logger;
  /** Extra readiness condition for /readyz. */
  ready?: () => boolean;
  /** Who may cause side effects (callers.ts). Default `untrusted`: nobody. */
  callers?: CallerPolicy;
}

export interface WebhookServer {
  /** The port actually listened on. */
  port: number;
  server: Server;
  metrics: WebhookMetrics;
  /** Serve another certificate from the next TLS handshake on. */
  setCertificate(tls: { cert: string; key: string }): void;
  /** Stop accepting connections, let open requests finish (at most 5 s), then resolve. */
  close(): Promise<void>;
}

const DEFAULT_TIMEOUTS: ServerTimeouts = { handshakeMs: 5000, headersMs: 5000, requestMs: 15000, checkIntervalMs: 1000 };

/**
 * Start the HTTPS server and resolve once it listens.
 *
 * @throws Error when the port cannot be bound or the certificate/key are invalid.
 */
export async function startWebhookServer(opts: WebhookServerOptions): Promise<WebhookServer> {
  const log = (opts.logger ?? rootLogger).child({ component: "webhook" });
  const t = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
  const metrics = createWebhookMetrics();
  const callers = opts.callers ?? UNTRUSTED;
  const clientTls = tlsOptionsFor(callers);
  let closing = false;
  const handler = createWebhookHandler({
    facts: opts.facts,
    ...(opts.secrets ? { secrets: opts.secrets } : {}),
    ...(opts.discourses ? { discourses: opts.discourses } : {}),
    factsTimeoutMs: opts.factsTimeoutMs ?? 6000,
    logger: log,
    metrics,
    ready: () => !closing && (opts.ready?.() ?? true),
    callerOf: (req) => callerOf(req.socket, callers),
  });
  const server = createServer(
    {
      cert: opts.tls.cert,
      key: opts.tls.key,
      minVersion: "TLSv1.2",
      ...clientTls,
      handshakeTimeout: t.handshakeMs,
      headersTimeout: t.headersMs,
      requestTimeout: t.requestMs,
      connectionsCheckingInterval: t.checkIntervalMs,
    },
    handler,
  );
  server.on("tlsClientError", (err: Error, socket: Socket) => {
    log.debug({ remote: socket.remoteAddress, error: err.message }, "TLS handshake failed");
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? WEBHOOK_PORT, opts.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ port, callers: callers.mode }, "webhook server listening");
  if (callers.mode === "untrusted") {
    log.warn("no caller authentication (--client-ca) and no --trust-network: no request creates a Secret; the reconciler generates database credentials");
  }
  return {
    port,
    server,
    metrics,
    // The new context keeps the client CA: setSecureContext replaces the whole context.
    setCertificate: (tls) => server.setSecureContext({ cert: tls.cert, key: tls.key, minVersion: "TLSv1.2", ...(clientTls.ca ? { ca: clientTls.ca } : {}) }),
    close: async () => {
      closing = true;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), 5000);
      await closed;
      clearTimeout(force);
    },
  };
}
