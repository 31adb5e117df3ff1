/**
 * A keyed work queue with the guarantees of client-go's workqueue
 * (k8s.io/client-go/util/workqueue): a key waiting in the queue is held once
 * however often it is added; one key is never processed by two workers at
 * once (a key added while it is processed runs again afterwards); a key whose
 * handler throws is retried after a per-key exponential backoff, forgotten on
 * success; `shutdown()` stops taking work and waits for the work in flight.
 */
import { ExponentialBackoff, type BackoffOptions } from "./rate-limiter.js";

/** Processes one key; throwing (or rejecting) schedules a retry with backoff. */
export type KeyHandler = (key: string) => Promise<void>;

export interface WorkQueueOptions {
  /** Number of keys processed at the same time. Defaults to 1. */
  concurrency?: number;
  backoff?: BackoffOptions;
  /** Called when the handler fails, with the delay before the retry in milliseconds. */
  onError?: (key: string, err: unknown, retryInMs: number) => void;
}

/** See the file comment. Create it, `start(handler)`, then `add(key)`. */
export class WorkQueue {
  private readonly waiting = new Set<string>();
  private readonly order: string[] = [];
  private readonly processing = new Set<string>();
  private readonly dirtyWhileProcessing = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly backoff: ExponentialBackoff;
  private readonly concurrency: number;
  private readonly inFlight = new Set<Promise<void>>();
  private handler: KeyHandler | null = null;
  private stopped = false;

  constructor(private readonly opts: WorkQueueOptions = {}) {
    this.concurrency = Math.max(1, opts.concurrency ?? 1);
    this.backoff = new ExponentialBackoff(opts.backoff);
  }

  /** Starts processing with `handler`. Keys added before are processed now. */
  start(handler: KeyHandler): void {
    this.handler = handler;
    this.pump();
  }

  /** Adds `key` now. A key already waiting is not added twice. */
  add(key: string): void {
    if (this.stopped) return;
    const timer = this.timers.get(key);
    if (timer) {
      clearTimeout(timer);
      this.timers.delete(key);
    }
    if (this.processing.has(key)) {
      this.dirtyWhileProcessing.add(key);
      return;
    }
    if (this.waiting.has(key)) return;
    this.waiting.add(key);
    this.order.push(key);
    this.pump();
  }

  /** Adds `key` after `delayMs` milliseconds (an earlier `add` wins). */
  addAfter(key: string, delayMs: number): void {
    if (this.stopped || this.timers.has(key) || this.waiting.has(key)) return;
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.timers.set(key, timer);
  }

  /** Keys waiting (not counting those in flight or waiting for a backoff). */
  get length(): number {
    return this.order.length;
  }

  /** Keys being processed now. */
  get active(): number {
    return this.processing.size;
  }

  /** How many times in a row `key` failed. */
  retries(key: string): number {
    return this.backoff.retries(key);
  }

  /**
   * Stops taking work: waiting keys and pending retries are dropped.
   * @param drain - true (the default) waits for the keys in flight to finish.
   */
  async shutdown(drain = true): Promise<void> {
    this.stopped = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.waiting.clear();
    this.order.length = 0;
    if (drain) await Promise.allSettled([...this.inFlight]);
  }

  private pump(): void {
    while (!this.stopped && this.handler && this.processing.size < this.concurrency && this.order.length > 0) {
      const key = this.order.shift() as string;
      this.waiting.delete(key);
      this.processing.add(key);
      const run = this.run(this.handler, key);
      this.inFlight.add(run);
      void run.finally(() => this.inFlight.delete(run));
    }
  }

  private async run(handler: KeyHandler, key: string): Promise<void> {
    let retryInMs: number | null = null;
    try {
      await handler(key);
      this.backoff.forget(key);
    } catch (err) {
      retryInMs = this.backoff.when(key);
      this.opts.onError?.(key, err, retryInMs);
    }
    this.processing.delete(key);
    // A key added while it was processed runs again now (a newer event wins over the backoff).
    if (this.dirtyWhileProcessing.delete(key)) this.add(key);
    else if (retryInMs !== null) this.addAfter(key, retryInMs);
    this.pump();
  }
}
