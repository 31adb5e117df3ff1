/**
 * The admission routes (POST VALIDATE_PATH, MUTATE_PATH, BACKUP_VALIDATE_PATH)
 * served straight from node:http, ahead of the express application, which
 * keeps every other path (/healthz, /readyz, /metrics, the 404s).
 *
 * Why not an express route: the admission hot path is what this server exists
 * for, and express's router, body-parser (type-is, content-type, raw-body,
 * iconv) and response helpers cost about as much as the admission itself for a
 * 3 KB AdmissionReview (`node --cpu-prof --import tsx bench/webhook-cpu.ts`;
 * docs/benchmarks.md has the figures). The behaviour is the one app.ts
 * documents, checked by the same tests (test/integration/webhook/server.test.ts):
 * - the path is matched exactly (case and trailing slash count; a query string,
 *   such as the apiserver's `?timeout=10s`, is ignored);
 * - a Content-Type other than application/json: HTTP 400; a Content-Encoding other than
 *   identity (the apiserver never compresses a review): HTTP 415;
 * - a body over MAX_BODY_BYTES: HTTP 413 (refused from its Content-Length before
 *   anything is read; a chunked body is cut off at the limit), then the
 *   connection is closed;
 * - nesting deeper than MAX_JSON_DEPTH, checked on the bytes before parsing,
 *   and a body that is not JSON: HTTP 400;
 * - every answer is JSON (`application/json; charset=utf-8`), errors as
 *   `{ "error": "..." }` without a stack.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { MUTATE_PATH, VALIDATE_PATH } from "../../src/api/constants.js";
import { BACKUP_VALIDATE_PATH } from "../../src/api/backup-constants.js";
import { decodeAdmissionReview } from "../admission/decode-review.js";
import { ADMISSION_API_VERSION, ADMISSION_KIND, type AdmissionRequest, type AdmissionResponse } from "../admission/types.js";
import { admit, type WebhookKind } from "./admit.js";
import { jsonDepth } from "./json-depth.js";
import type { Outcome } from "./metrics.js";
import { MAX_BODY_BYTES, MAX_JSON_DEPTH, type AppDeps } from "./app.js";

const ROUTES: ReadonlyMap<string, WebhookKind> = new Map([
  [VALIDATE_PATH, "validate"],
  [MUTATE_PATH, "mutate"],
  [BACKUP_VALIDATE_PATH, "validate-backup"],
]);

const JSON_TYPE = "application/json; charset=utf-8";

/** The admission route `req` asks for, or undefined (then express answers it). */
export function admissionRouteOf(req: IncomingMessage): { path: string; kind: WebhookKind } | undefined {
  if (req.method !== "POST") return undefined;
  const url = req.url ?? "";
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  const kind = ROUTES.get(path);
  return kind ? { path, kind } : undefined;
}

function send(res: ServerResponse, status: number, body: string, close = false): void {
  const headers: Record<string, string | number> = { "content-type": JSON_TYPE, "content-length": Buffer.byteLength(body) };
  if (close) headers.connection = "close";
  res.writeHead(status, headers).end(body);
}

function isJsonContentType(header: string | undefined): boolean {
  if (header === undefined) return false;
  const semicolon = header.indexOf(";");
  return (semicolon < 0 ? header : header.slice(0, semicolon)).trim().toLowerCase() === "application/json";
}

/** What the headers alone refuse: the content type (400), a compressed body (415), a declared length over the limit (413). */
function headerProblem(req: IncomingMessage): { status: number; error: string } | null {
  const type = req.headers["content-type"];
  if (!isJsonContentType(type)) return { status: 400, error: `Content-Type must be application/json, got ${type ?? "none"}` };
  // The apiserver sends plain JSON; a compressed body would only read as "not JSON".
  const encoding = (req.headers["content-encoding"] ?? "identity").trim().toLowerCase();
  if (encoding !== "identity") return { status: 415, error: `Content-Encoding ${encoding} is not supported: send the body uncompressed` };
  if (Number(req.headers["content-length"] ?? 0) > MAX_BODY_BYTES) return { status: 413, error: `body exceeds ${MAX_BODY_BYTES} bytes` };
  return null;
}

/** Reads the whole body, at most `limit` bytes. @returns the bytes, or null once the limit is passed (reading stops). */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer): void => {
      length += chunk.length;
      if (length > limit) {
        req.off("data", onData);
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length)));
    req.once("error", reject);
  });
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

/**
 * Serves one admission request (see the file comment). Never throws; a failure
 * the handler did not expect is answered with HTTP 500 and logged.
 * @param route - from admissionRouteOf.
 */
export async function serveAdmission(req: IncomingMessage, res: ServerResponse, route: { path: string; kind: WebhookKind }, deps: AppDeps): Promise<void> {
  const started = performance.now();
  const { path, kind } = route;
  const refuse = (status: number, error: string, close = false): void => {
    deps.logger.warn({ path, status, error }, "bad admission request");
    deps.metrics.observe(path, "bad_request", (performance.now() - started) / 1000);
    send(res, status, JSON.stringify({ error }), close);
    if (close) res.once("finish", () => req.destroy());
  };
  try {
    const problem = headerProblem(req);
    if (problem) return refuse(problem.status, problem.error, problem.status !== 400);
    const tooLarge = `body exceeds ${MAX_BODY_BYTES} bytes`;
    const bytes = await readBody(req, MAX_BODY_BYTES);
    if (bytes === null) return refuse(413, tooLarge, true);
    if (jsonDepth(bytes, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) return refuse(400, `body nests deeper than ${MAX_JSON_DEPTH} levels`);
    let body: unknown;
    try {
      body = JSON.parse(bytes.toString("utf8"));
    } catch {
      return refuse(400, "body is not valid JSON");
    }
    const decoded = decodeAdmissionReview(body);
    if ("error" in decoded) return refuse(400, decoded.error);
    const caller = deps.callerOf?.(req) ?? { trusted: false, reason: "no caller authentication configured" };
    const response = await admit(kind, decoded.request, deps, caller);
    send(res, 200, JSON.stringify({ apiVersion: ADMISSION_API_VERSION, kind: ADMISSION_KIND, response }));
    deps.logger.info({ path, ...requestLine(decoded.request, response, performance.now() - started), trustedCaller: caller.trusted }, "admission");
    const outcome: Outcome = response.allowed ? "allowed" : "denied";
    deps.metrics.observe(path, outcome, (performance.now() - started) / 1000);
  } catch (err) {
    deps.logger.error({ path, status: 500, error: err instanceof Error ? err.name : "error" }, "admission request failed");
    deps.metrics.observe(path, "error", (performance.now() - started) / 1000);
    if (!res.headersSent) send(res, 500, JSON.stringify({ error: "internal error" }), true);
  }
}
