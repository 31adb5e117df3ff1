/**
 * The webhook server's HTTP surface: the admission routes (admission-endpoint.ts,
 * straight from node:http) and an express application for everything else.
 * Admission logic lives in admit.ts and the processors; TLS and timeouts in
 * start-webhook-server.ts.
 *
 * Bad requests get a JSON body `{ "error": "..." }` and no stack trace, and
 * never HTTP 500 for anything a body can hold:
 * - not JSON, wrong content type, not an AdmissionReview v1, no uid, fields of
 *   the wrong JSON type, nesting deeper than {@link MAX_JSON_DEPTH}: HTTP 400;
 * - a body over {@link MAX_BODY_BYTES}: HTTP 413;
 * - an unknown path (paths are matched exactly: case and trailing slash count): HTTP 404.
 * Metrics are labelled with the route's name (its fixed path), never with the
 * path as sent, so the number of series stays bounded whatever callers send.
 * A well-formed AdmissionReview for a kind these webhooks do not serve is
 * answered (HTTP 200) with a denial, code 400 `BadRequest`, naming the kind,
 * as controller-runtime does: the user then reads why in kubectl's output,
 * where an HTTP error would only say that the webhook call failed.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import express, { type NextFunction, type Request, type Response } from "express";
import type { Logger } from "../../src/log.js";
import { admissionRouteOf, serveAdmission } from "./admission-endpoint.js";
import type { AdmitDeps } from "./admit.js";
import type { Caller } from "./callers.js";
import type { WebhookMetrics } from "./metrics.js";

const MIB = 1024 * 1024;
/**
 * The apiserver's limit on a request body (kube-apiserver `--max-request-bytes`
 * default, k8s.io/apiserver pkg/server/config.go MaxRequestBodyBytes: 3 MiB).
 */
export const APISERVER_MAX_REQUEST_BYTES = 3 * MIB;
/**
 * Largest AdmissionReview accepted, in bytes (7 MiB). An UPDATE review carries
 * two objects, `object` and `oldObject`, each of which came in as a request
 * body of at most {@link APISERVER_MAX_REQUEST_BYTES} (etcd keeps at most
 * 1.5 MiB, but the review is JSON and `object` may be a body the apiserver has
 * not stored yet), plus the envelope (userInfo, options, kinds), bounded here
 * at 1 MiB: 2 × 3 MiB + 1 MiB.
 */
export const MAX_BODY_BYTES = 2 * APISERVER_MAX_REQUEST_BYTES + MIB;
/** Deepest JSON nesting accepted; a Discourse in a review nests about 12 levels (managedFields a few more). */
export const MAX_JSON_DEPTH = 100;

export interface AppDeps extends AdmitDeps {
  metrics: WebhookMetrics;
  /** Readiness for /readyz; ready when absent. */
  ready?: () => boolean;
  /** Who sent a request (callers.ts); every caller is untrusted when absent. */
  callerOf?: (req: IncomingMessage) => Caller;
}

function fail(res: Response, status: number, error: string): void {
  res.status(status).json({ error });
}

/** Anything unexpected in the express app, as JSON without a stack (no metric: only admission routes have series). */
function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    logger.error({ path: req.path, status: 500, error: err instanceof Error ? err.name : "error" }, "request failed");
    if (!res.headersSent) fail(res, 500, "internal error");
  };
}

/** The express app of every path but the admission routes: GET /healthz, /readyz, /metrics; a JSON 404 for anything else. */
export function createWebhookApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  app.disable("etag");
  // Exact paths, as the admission routes (admission-endpoint.ts): /HEALTHZ or a trailing slash is not one of them.
  app.enable("case sensitive routing");
  app.enable("strict routing");
  app.get("/healthz", (_req, res) => void res.type("text/plain").send("ok"));
  app.get("/readyz", (_req, res) => {
    const ready = deps.ready?.() ?? true;
    res.status(ready ? 200 : 503).type("text/plain").send(ready ? "ok" : "not ready");
  });
  app.get("/metrics", async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  app.use((req, res) => fail(res, 404, `no route for ${req.method} ${req.path}`));
  app.use(errorHandler(deps.logger));
  return app;
}

/**
 * The server's request listener: the admission routes (POST VALIDATE_PATH, MUTATE_PATH,
 * BACKUP_VALIDATE_PATH) go to admission-endpoint.ts, everything else to the express app.
 */
export function createWebhookHandler(deps: AppDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const app = createWebhookApp(deps);
  return (req, res) => {
    const route = admissionRouteOf(req);
    if (route) void serveAdmission(req, res, route, deps);
    else app(req, res);
  };
}
