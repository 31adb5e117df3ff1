/**
 * The HTTP layer of every API client the operator builds (src/kube/keep-alive.ts):
 * each request has a deadline, and at the deadline its socket is destroyed.
 *
 * The library's default (node-fetch without a signal) waits forever on a
 * half-open connection: a lease renewal, a write or a LIST on a connection whose
 * peer vanished without a FIN never returns, and the caller can neither step down
 * nor retry. Here the whole exchange (connect, send, response headers and body)
 * must finish within `timeoutMs`; otherwise the request and its socket are
 * destroyed (a keep-alive socket is not handed back to the pool) and the call
 * fails with RequestTimeoutError. An optional AbortSignal, asked for at the start
 * of each request, cancels it the same way (the reconciler's leadership term).
 */
import { ResponseContext, SelfDecodingBody, wrapHttpLibrary, type HttpLibrary, type PromiseHttpLibrary, type RequestContext } from "@kubernetes/client-node";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";

export { DEFAULT_REQUEST_TIMEOUT_MS, RequestAbortedError, RequestTimeoutError, type DeadlineOptions } from "./request-errors.js";
import { DEFAULT_REQUEST_TIMEOUT_MS, RequestAbortedError, RequestTimeoutError, type DeadlineOptions } from "./request-errors.js";

function headersOf(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

/** See the file comment. */
class DeadlineHttpLibrary implements PromiseHttpLibrary {
  constructor(private readonly opts: DeadlineOptions) {}

  send(ctx: RequestContext): Promise<ResponseContext> {
    const url = new URL(ctx.getUrl());
    const method = ctx.getHttpMethod().toString();
    const timeoutMs = this.opts.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const signal = this.opts.signal?.();
    const https = url.protocol === "https:";
    const agent = ctx.getAgent();
    const body = ctx.getBody();
    return new Promise<ResponseContext>((resolve, reject) => {
      if (signal?.aborted) return reject(new RequestAbortedError(method, url.pathname));
      let settled = false;
      const finish = (err: Error | null, res?: ResponseContext): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        if (err) reject(err);
        else if (res) resolve(res);
      };
      const send = https ? httpsRequest : httpRequest;
      const req = send(url, { method, headers: ctx.getHeaders(), ...(agent && (https || !(agent instanceof HttpsAgent)) ? { agent } : {}) }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", (e) => finish(e));
        res.on("end", () => finish(null, new ResponseContext(res.statusCode ?? 0, headersOf(res), new SelfDecodingBody(Promise.resolve(Buffer.concat(chunks))))));
      });
      const destroy = (err: Error): void => {
        req.destroy(err);
        finish(err);
      };
      const timer = setTimeout(() => destroy(new RequestTimeoutError(method, url.pathname, timeoutMs)), timeoutMs);
      const onAbort = (): void => destroy(new RequestAbortedError(method, url.pathname));
      signal?.addEventListener("abort", onAbort, { once: true });
      req.on("error", (e) => finish(e));
      req.end(typeof body === "string" ? body : body instanceof URLSearchParams ? body.toString() : undefined);
    });
  }
}

/** The client library's HttpLibrary with deadlines (for createConfiguration's `httpApi`). */
export function deadlineHttpLibrary(opts: DeadlineOptions = {}): HttpLibrary {
  return wrapHttpLibrary(new DeadlineHttpLibrary(opts));
}
