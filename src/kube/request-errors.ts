/**
 * Deadlines of API requests, shared by the library-free transport
 * (src/kube/api-transport.ts) and the library's HTTP layer (src/kube/deadline-http.ts):
 * the default deadline, its options and the two ways a request is cut short.
 */

/** Deadline of one API request when none is given: 30 s (kubectl's default --request-timeout is unbounded; client-go's leader election uses 10 s). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** A request that did not finish within its deadline; its socket was destroyed. */
export class RequestTimeoutError extends Error {
  constructor(method: string, path: string, timeoutMs: number) {
    super(`${method} ${path}: no answer within ${timeoutMs} ms (connection closed)`);
    this.name = "RequestTimeoutError";
  }
}

/** A request cancelled by its AbortSignal (e.g. leadership lost); its socket was destroyed. */
export class RequestAbortedError extends Error {
  constructor(method: string, path: string) {
    super(`${method} ${path}: cancelled`);
    this.name = "RequestAbortedError";
  }
}

export interface DeadlineOptions {
  /** Deadline of each request, in milliseconds. Defaults to DEFAULT_REQUEST_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Asked at the start of each request; when it aborts, the request is cancelled. */
  signal?: () => AbortSignal | undefined;
}
