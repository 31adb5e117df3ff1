/**
 * The express application: routes only. Admission logic lives in admit.ts
 * and the processors; TLS and timeouts in start-webhook-server.ts.
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
import express, { type NextFunction, type Request, type Response } from "express";
import { MUTATE_PATH, VALIDATE_PATH } from "../../src/api/constants.js";
import type { Logger } from "../../src/log.js";
import { decodeAdmissionReview } from "../admission/decode-review.js";
import { ADMISSION_API_VERSION, ADMISSION_KIND, type AdmissionRequest, type AdmissionResponse } from "../admission/types.js";
import { admit, type AdmitDeps, type WebhookKind } from "./admit.js";
import type { Caller } from "./callers.js";
import { jsonDepth } from "./json-depth.js";
import type { Outcome, WebhookMetrics } from "./metrics.js";

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
  callerOf?: (req: Request) => Caller;
}

/** The metrics label of a request that matched no admission route. */
export const UNMATCHED_ROUTE = "unmatched";

function fail(res: Response, status: number, error: string): void {
  res.status(status).json({ error });
}

function requestLine(request: AdmissionRequest, response: AdmissionResponse, ms: number): Record<string, unknown> {
  return {
    uid: request.uid,
    operation: request.operation,
    resource: `${request.namespace ?? ""}/${request.name ?? ""}`,
    allowed: response.allowed,
    ...(response.status ? { code: response.status.code } : {}),
    patched: response.patch !== undefined,
    warnings: response.warnings?.length ?? 0,
    durationMs: Math.round(ms * 10) / 10,
  };
}

function admissionRoute(kind: WebhookKind, path: string, deps: AppDeps) {
  return async (req: Request, res: Response): Promise<void> => {
    const started = performance.now();
    const done = (outcome: Outcome): void => deps.metrics.observe(path, outcome, (performance.now() - started) / 1000);
    const decoded = decodeAdmissionReview(req.body);
    if ("error" in decoded) {
      deps.logger.warn({ path, status: 400, error: decoded.error }, "bad admission request");
      done("bad_request");
      return fail(res, 400, decoded.error);
    }
    const caller = deps.callerOf?.(req) ?? { trusted: false, reason: "no caller authentication configured" };
    const response = await admit(kind, decoded.request, deps, caller);
    res.status(200).json({ apiVersion: ADMISSION_API_VERSION, kind: ADMISSION_KIND, response });
    deps.logger.info({ path, ...requestLine(decoded.request, response, performance.now() - started), trustedCaller: caller.trusted }, "admission");
    done(response.allowed ? "allowed" : "denied");
  };
}

/** Remembers which admission route a request took, for the labels of errors raised before the handler. */
function routeLabel(path: string) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    res.locals.route = path;
    next();
  };
}

/** Refuses (HTTP 400) a body nested deeper than MAX_JSON_DEPTH, before it is parsed. */
function boundDepth(_req: Request, _res: Response, buf: Buffer): void {
  if (jsonDepth(buf, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) {
    throw Object.assign(new Error("too deep"), { status: 400, type: "entity.too.deep" });
  }
}

function requireJson(req: Request, res: Response, next: NextFunction): void {
  if (req.is("application/json")) return next();
  fail(res, 400, `Content-Type must be application/json, got ${req.get("content-type") ?? "none"}`);
}

/** Body-parser errors (bad JSON, too large) and anything unexpected, as JSON without a stack. */
function errorHandler(logger: Logger, metrics: WebhookMetrics) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const e = err as { status?: number; type?: string };
    const status = typeof e.status === "number" && e.status >= 400 && e.status < 500 ? e.status : 500;
    const message =
      e.type === "entity.too.large" ? `body exceeds ${MAX_BODY_BYTES} bytes` :
      e.type === "entity.parse.failed" ? "body is not valid JSON" :
      e.type === "entity.too.deep" ? `body nests deeper than ${MAX_JSON_DEPTH} levels` :
      status < 500 ? "bad request" : "internal error";
    const route = typeof res.locals.route === "string" ? res.locals.route : UNMATCHED_ROUTE;
    logger[status < 500 ? "warn" : "error"]({ path: route, status, error: message }, "bad admission request");
    metrics.observe(route, status < 500 ? "bad_request" : "error", 0);
    if (!res.headersSent) fail(res, status, message);
  };
}

/** Build the app: POST VALIDATE_PATH and MUTATE_PATH, GET /healthz, /readyz, /metrics. */
export function createWebhookApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  // No ETag: admission responses are POST answers nobody revalidates; hashing each body is wasted work.
  app.disable("etag");
  // The apiserver calls the exact paths of the configurations: /VALIDATE… or a trailing slash is not one of them.
  app.enable("case sensitive routing");
  app.enable("strict routing");
  const json = express.json({ limit: MAX_BODY_BYTES, strict: false, type: () => true, verify: boundDepth });
  app.post(VALIDATE_PATH, routeLabel(VALIDATE_PATH), requireJson, json, admissionRoute("validate", VALIDATE_PATH, deps));
  app.post(MUTATE_PATH, routeLabel(MUTATE_PATH), requireJson, json, admissionRoute("mutate", MUTATE_PATH, deps));
  app.get("/healthz", (_req, res) => void res.type("text/plain").send("ok"));
  app.get("/readyz", (_req, res) => {
    const ready = deps.ready?.() ?? true;
    res.status(ready ? 200 : 503).type("text/plain").send(ready ? "ok" : "not ready");
  });
  app.get("/metrics", async (_req, res) => {
    res.type(deps.metrics.registry.contentType).send(await deps.metrics.registry.metrics());
  });
  app.use((req, res) => fail(res, 404, `no route for ${req.method} ${req.path}`));
  app.use(errorHandler(deps.logger, deps.metrics));
  return app;
}
