/**
 * The express application: routes only. Admission logic lives in admit.ts
 * and the processors; TLS and timeouts in start-webhook-server.ts.
 *
 * Bad requests get a JSON body `{ "error": "..." }` and no stack trace:
 * - not JSON, wrong content type, not an AdmissionReview v1, no uid: HTTP 400;
 * - a body over 3 MiB (the apiserver's own request limit): HTTP 413;
 * - an unknown path: HTTP 404.
 * A well-formed AdmissionReview for a kind these webhooks do not serve is
 * answered (HTTP 200) with a denial, code 400 `BadRequest`, naming the kind,
 * as controller-runtime does: the user then reads why in kubectl's output,
 * where an HTTP error would only say that the webhook call failed.
 */
import express, { type NextFunction, type Request, type Response } from "express";
import { MUTATE_PATH, VALIDATE_PATH } from "../../src/api/constants.js";
import { BACKUP_VALIDATE_PATH } from "../../src/api/backup-constants.js";
import type { Logger } from "../../src/log.js";
import { decodeAdmissionReview } from "../admission/decode-review.js";
import { ADMISSION_API_VERSION, ADMISSION_KIND, type AdmissionRequest, type AdmissionResponse } from "../admission/types.js";
import { admit, type AdmitDeps, type WebhookKind } from "./admit.js";
import type { Outcome, WebhookMetrics } from "./metrics.js";

/** Largest AdmissionReview accepted, in bytes (3 MiB). */
export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export interface AppDeps extends AdmitDeps {
  metrics: WebhookMetrics;
  /** Readiness for /readyz; ready when absent. */
  ready?: () => boolean;
}

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
    const response = await admit(kind, decoded.request, deps);
    res.status(200).json({ apiVersion: ADMISSION_API_VERSION, kind: ADMISSION_KIND, response });
    deps.logger.info({ path, ...requestLine(decoded.request, response, performance.now() - started) }, "admission");
    done(response.allowed ? "allowed" : "denied");
  };
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
      status < 500 ? "bad request" : "internal error";
    logger[status < 500 ? "warn" : "error"]({ path: req.path, status, error: message }, "bad admission request");
    metrics.observe(req.path, status < 500 ? "bad_request" : "error", 0);
    if (!res.headersSent) fail(res, status, message);
  };
}

/** Build the app: POST VALIDATE_PATH, MUTATE_PATH and BACKUP_VALIDATE_PATH, GET /healthz, /readyz, /metrics. */
export function createWebhookApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable("x-powered-by");
  // No ETag: admission responses are POST answers nobody revalidates; hashing each body is wasted work.
  app.disable("etag");
  const json = express.json({ limit: MAX_BODY_BYTES, strict: false, type: () => true });
  app.post(VALIDATE_PATH, requireJson, json, admissionRoute("validate", VALIDATE_PATH, deps));
  app.post(MUTATE_PATH, requireJson, json, admissionRoute("mutate", MUTATE_PATH, deps));
  app.post(BACKUP_VALIDATE_PATH, requireJson, json, admissionRoute("validate-backup", BACKUP_VALIDATE_PATH, deps));
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
