/**
 * Plain JSON requests and watches against the API server over node:http(s),
 * with the agent and headers of a ClusterAccess (keep-alive connections). This
 * is all the reconciler sends (objects travel as raw JSON), so it does not load
 * @kubernetes/client-node's generated API groups and models (about 70 MiB of
 * resident memory). As src/kube/deadline-http.ts does for the library's
 * clients, every request has a deadline at which its socket is destroyed, so a
 * half-open connection never hangs a caller, and an optional AbortSignal (the
 * leadership term) cancels requests and watches alike; a watch has no deadline
 * (the server ends it after `timeoutSeconds`, and the informer restarts a
 * silent one).
 *
 * Watch lines are the API's watch events, one JSON object per line
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes).
 */
import { request as httpRequest, type Agent, type ClientRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { ClusterAccess } from "./cluster-access.js";
import { DEFAULT_REQUEST_TIMEOUT_MS, RequestAbortedError, RequestTimeoutError, type DeadlineOptions } from "./request-errors.js";
import { withoutManagedFields } from "./managed-fields.js";

export type { DeadlineOptions } from "./request-errors.js";

/** A non-2xx answer of the API server; `body` is the parsed Status (or the raw text). */
export class ApiError extends Error {
  constructor(readonly code: number, readonly body: unknown, method: string, path: string) {
    const message = typeof body === "string" ? body : ((body as { message?: string } | null)?.message ?? "");
    super(`${method} ${path}: HTTP ${code}${message ? `: ${message}` : ""}`.slice(0, 500));
    this.name = "ApiError";
  }
}


export type Query = Record<string, string | undefined>;
/** Called for each watch event with its type (ADDED, MODIFIED, DELETED, BOOKMARK, ERROR) and object. */
export type WatchHandler = (type: string, object: unknown) => void;

export interface WatchOptions {
  /** Events' objects come without `metadata.managedFields` (see ApiTransport.watch). */
  omitManagedFields?: boolean;
}

function url(server: string, path: string, query: Query): URL {
  const u = new URL(server + path);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, v);
  return u;
}

function parseBody(text: string): unknown {
  try {
    return text ? (JSON.parse(text) as unknown) : null;
  } catch {
    return text;
  }
}

function send(u: URL, opts: { method: string; agent: Agent; headers: Record<string, string> }, onResponse: (res: IncomingMessage) => void): ClientRequest {
  return (u.protocol === "https:" ? httpsRequest : httpRequest)(u, opts, onResponse);
}

/**
 * A kept-alive connection the server had closed (its idle timeout) when this request was
 * sent on it: `socket hang up` (ECONNRESET) before any answer, on a reused socket. Node's
 * documentation names this race and its remedy (http `request.reusedSocket`: retry), and
 * Go's net/http retries such a read by itself. Seen in `npm run bench` at
 * 2,000 forums: 13 reconciles of one resync failed so, and their status went Degraded and
 * back (26 writes of an idle fleet).
 */
class StaleConnectionError extends Error {
  constructor(cause: Error) {
    super(cause.message, { cause });
    this.name = "StaleConnectionError";
  }
}

/**
 * Attempts of one idempotent request on stale connections, at most: each failure discards
 * one dead connection, and several can have been closed at once (the server's idle timeout
 * ends a burst's connections together), as Go's transport retries until it meets a live one.
 */
const STALE_CONNECTION_ATTEMPTS = 8;

/**
 * Whether a request may be sent again after a stale connection: reads (GET) only, as Go's
 * transport re-sends only GET, HEAD, OPTIONS and TRACE once written. A reset can come after
 * the server acted: a write sent again could act twice, or answer 404 or 409 where the first
 * one succeeded unseen (a DELETE's caller would then skip its log line and Event), and a
 * write sent again would also skip the leadership fence checked before the first sending.
 */
export function retriesOnStaleConnection(method: string): boolean {
  return method === "GET";
}

/** See the file comment. */
export class ApiTransport {
  constructor(private readonly access: ClusterAccess, private readonly deadlines: DeadlineOptions = {}) {}

  /**
   * One request; resolves with the parsed JSON answer. A read (see
   * `retriesOnStaleConnection`) that meets a connection reset on a kept-alive connection
   * before any answer is sent again on another connection (at most
   * STALE_CONNECTION_ATTEMPTS times in all).
   * @throws ApiError on a non-2xx status, RequestTimeoutError at the deadline, RequestAbortedError when the signal aborts, or a network error.
   */
  async request(method: string, path: string, query: Query = {}, body?: unknown, contentType = "application/json"): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.requestOnce(method, path, query, body, contentType, attempt < STALE_CONNECTION_ATTEMPTS && retriesOnStaleConnection(method));
      } catch (err) {
        if (!(err instanceof StaleConnectionError)) throw err;
      }
    }
  }

  private async requestOnce(method: string, path: string, query: Query, body: unknown, contentType: string, mayRetry: boolean): Promise<unknown> {
    const signal = this.deadlines.signal?.();
    if (signal?.aborted) throw new RequestAbortedError(method, path);
    const timeoutMs = this.deadlines.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    const { agent, headers } = await this.access.prepare();
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const all: Record<string, string> = { ...headers, Accept: "application/json" };
    if (payload !== undefined) Object.assign(all, { "Content-Type": contentType, "Content-Length": String(Buffer.byteLength(payload)) });
    const u = url(this.access.server, path, query);
    return new Promise((resolve, reject) => {
      const req = send(u, { method, agent, headers: all }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", fail);
        res.on("end", () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          const parsed = parseBody(Buffer.concat(chunks).toString("utf8"));
          const code = res.statusCode ?? 0;
          if (code >= 200 && code < 300) resolve(parsed);
          else reject(new ApiError(code, parsed, method, u.pathname));
        });
      });
      function fail(err: Error): void {
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        const reset = (err as NodeJS.ErrnoException).code === "ECONNRESET" && req.reusedSocket && !answered;
        reject(reset && mayRetry ? new StaleConnectionError(err) : err);
      }
      let answered = false;
      req.once("response", () => (answered = true));
      const timer = setTimeout(() => req.destroy(new RequestTimeoutError(method, u.pathname, timeoutMs)), timeoutMs);
      const onAbort = (): void => void req.destroy(new RequestAbortedError(method, u.pathname));
      signal?.addEventListener("abort", onAbort, { once: true });
      req.on("error", fail);
      req.end(payload);
    });
  }

  /**
   * Starts a watch (`watch=true` is added to `query`); `onEvent` gets each event,
   * `onDone` is called once when the watch ends (error or not), never after `abort()`.
   * @param opts.omitManagedFields - each event's object comes without `metadata.managedFields`,
   *   cut from the text before it is parsed (managed-fields.ts): for a client that drops them.
   * @returns a controller whose `abort()` ends the watch.
   * @throws ApiError when the server refuses the watch.
   */
  async watch(path: string, query: Query, onEvent: WatchHandler, onDone: (err?: Error) => void, opts: WatchOptions = {}): Promise<AbortController> {
    const signal = this.deadlines.signal?.();
    if (signal?.aborted) throw new RequestAbortedError("GET", path);
    const { watchAgent: agent, headers } = await this.access.prepare();
    const controller = new AbortController();

    const u = url(this.access.server, path, { ...query, watch: "true" });
    return new Promise((resolve, reject) => {
      let started = false;
      let ended = false;
      const end = (err?: Error): void => {
        if (ended || controller.signal.aborted) return;
        ended = true;
        onDone(err);
      };
      const req = send(u, { method: "GET", agent, headers: { ...headers, Accept: "application/json" } }, (res) => {
        const code = res.statusCode ?? 0;
        if (code < 200 || code >= 300) {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => reject(new ApiError(code, parseBody(Buffer.concat(chunks).toString("utf8")), "GET", u.pathname)));
          return;
        }
        started = true;
        resolve(controller);
        let rest = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          // An event larger than a chunk comes in pieces: keep them until its newline, without
          // splitting the growing text again for each piece.
          const last = chunk.lastIndexOf("\n");
          if (last < 0) {
            rest += chunk;
            return;
          }
          const lines = (rest + chunk.slice(0, last)).split("\n");
          rest = chunk.slice(last + 1);
          try {
            for (const line of lines) {
              if (!line.trim() || controller.signal.aborted) continue;
              const event = JSON.parse(opts.omitManagedFields ? withoutManagedFields(line) : line) as { type: string; object: unknown };
              onEvent(event.type, event.object);
            }
          } catch (err) {
            end(err instanceof Error ? err : new Error(String(err)));
            req.destroy();
          }
        });
        res.on("error", (e) => end(e));
        res.on("end", () => end());
        res.on("close", () => end());
      });
      controller.signal.addEventListener("abort", () => req.destroy());
      // The term's end cancels the watch like a request: the caller hears of it through onDone.
      signal?.addEventListener("abort", () => {
        end(new RequestAbortedError("GET", u.pathname));
        req.destroy();
      }, { once: true });
      req.on("error", (e) => (started ? end(e) : reject(e)));
      req.end();
    });
  }
}
