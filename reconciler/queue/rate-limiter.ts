/**
 * Per-key exponential backoff, the shape of controller-runtime's default
 * `ItemExponentialFailureRateLimiter` (k8s.io/client-go/util/workqueue):
 * the n-th consecutive failure of a key waits `base * 2^(n-1)`, capped at `max`.
 */
export interface BackoffOptions {
  /** Delay after the first failure, in milliseconds. Defaults to 5. */
  baseMs?: number;
  /** Upper bound of the delay, in milliseconds. Defaults to 300000 (5 minutes). */
  maxMs?: number;
}

/** Counts failures per key and turns them into delays. */
export class ExponentialBackoff {
  private readonly failures = new Map<string, number>();
  private readonly baseMs: number;
  private readonly maxMs: number;

  constructor(opts: BackoffOptions = {}) {
    this.baseMs = opts.baseMs ?? 5;
    this.maxMs = opts.maxMs ?? 300_000;
  }

  /** Records one more failure of `key` and returns how long to wait before retrying it, in milliseconds. */
  when(key: string): number {
    const n = this.failures.get(key) ?? 0;
    this.failures.set(key, n + 1);
    return Math.min(this.maxMs, this.baseMs * 2 ** Math.min(n, 52));
  }

  /** How many times in a row `key` failed. */
  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Clears the failure count of `key` (after a success). */
  forget(key: string): void {
    this.failures.delete(key);
  }
}
