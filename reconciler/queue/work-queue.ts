/**
 * A keyed priority work queue with the guarantees of client-go's workqueue
 * (k8s.io/client-go/util/workqueue): a key waiting in the queue is held once
 * however often it is added; one key is never processed by two workers at
 * once (a key added while it is processed runs again afterwards); a key whose
 * handler throws is retried after a per-key exponential backoff, forgotten on
 * success; `shutdown()` stops taking work and waits for the work in flight.
 * Keys carry a priority, as in controller-runtime's priority queue: higher
 * first, a key added again at a higher priority is promoted, and waiting
 * lower-priority keys age so they are never starved (see `PriorityBuckets`).
 */
import { DEFAULT_PRIORITY, PriorityBuckets, type AgingOptions, type TakenKey } from "./priority-buckets.js";
import { ExponentialBackoff, type BackoffOptions } from "./rate-limiter.js";

/** Processes one key; throwing (or rejecting) schedules a retry with backoff (at the same priority). */
export type KeyHandler = (key: string, item: TakenKey) => Promise<void>;

export interface WorkQueueOptions {
  /** Number of keys processed at the same time. Defaults to 1. */
  concurrency?: number;
  backoff?: BackoffOptions;
  aging?: AgingOptions;
  /** Called when the handler fails, with the delay before the retry in milliseconds. */
  onError?: (key: string, err: unknown, retryInMs: number) => void;
}

/** Resolves after the event loop's next check phase, so pending I/O callbacks run first (Node's setImmediate). */
function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** See the file comment. Create it, `start(handler)`, then `add(key, priority?)`. */
export class WorkQueue {
  private readonly waiting: PriorityBuckets;
  private readonly processing = new Set<string>();
  /** Keys added while processed, with the highest priority they were added with. */
  private readonly dirtyWhileProcessing = new Map<string, number>();
  private readonly timers = new Map<string, { timer: NodeJS.Timeout; priority: number }>();
  private readonly backoff: ExponentialBackoff;
  private readonly concurrency: number;
  private readonly inFlight = new Set<Promise<void>>();
  private handler: KeyHandler | null = null;
  /**
   * Workers between their key and their turn of the event loop (`run`): their slots count as
   * taken. Otherwise the first worker back from its turn found every slot free (the others'
   * keys done, their turns pending) and started `concurrency` keys, and so did each of the
   * others: concurrency² keys per loop iteration, so a resync of no-op reconciles ran in two
   * or three iterations and a drift's watch event waited for its end (docs/benchmarks.md,
   * seventh session: 1.5–3 s at 2,000 forums).
   */
  private yielding = 0;
  private stopped = false;

  constructor(private readonly opts: WorkQueueOptions = {}) {
    this.concurrency = Math.max(1, opts.concurrency ?? 1);
    this.backoff = new ExponentialBackoff(opts.backoff);
    this.waiting = new PriorityBuckets(opts.aging);
  }

  /** Starts processing with `handler`. Keys added before are processed now. */
  start(handler: KeyHandler): void {
    this.handler = handler;
    this.pump();
  }

  /**
   * Adds `key` now at `priority` (higher runs first; DEFAULT_PRIORITY when absent).
   * A key already waiting is not added twice; it is promoted when `priority` is higher.
   */
  add(key: string, priority = DEFAULT_PRIORITY): void {
    if (this.stopped) return;
    const pending = this.timers.get(key);
    if (pending) {
      clearTimeout(pending.timer);
      this.timers.delete(key);
      priority = Math.max(priority, pending.priority);
    }
    if (this.processing.has(key)) {
      this.dirtyWhileProcessing.set(key, Math.max(priority, this.dirtyWhileProcessing.get(key) ?? priority));
      return;
    }
    this.waiting.add(key, priority);
    this.pump();
  }

  /** Adds `key` at `priority` after `delayMs` milliseconds (an earlier `add` wins). */
  addAfter(key: string, delayMs: number, priority = DEFAULT_PRIORITY): void {
    if (this.stopped || this.timers.has(key) || this.waiting.has(key)) return;
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key, priority);
    }, delayMs);
    timer.unref();
    this.timers.set(key, { timer, priority });
  }

  /** Keys waiting (not counting those in flight or waiting for a backoff). */
  get length(): number {
    return this.waiting.size;
  }

  /** Keys waiting at `priority`. */
  waitingAt(priority: number): number {
    return this.waiting.count(priority);
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
    for (const t of this.timers.values()) clearTimeout(t.timer);
    this.timers.clear();
    this.waiting.clear();
    if (drain) await Promise.allSettled([...this.inFlight]);
  }

  private pump(): void {
    while (!this.stopped && this.handler && this.processing.size + this.yielding < this.concurrency) {
      const item = this.waiting.take();
      if (!item) return;
      this.processing.add(item.key);
      const run = this.run(this.handler, item);
      this.inFlight.add(run);
      void run.finally(() => this.inFlight.delete(run));
    }
  }

  private async run(handler: KeyHandler, item: TakenKey): Promise<void> {
    const { key } = item;
    let retryInMs: number | null = null;
    try {
      await handler(key, item);
      this.backoff.forget(key);
    } catch (err) {
      retryInMs = this.backoff.when(key);
      this.opts.onError?.(key, err, retryInMs);
    }
    this.processing.delete(key);
    // This worker's slot stays taken through its turn below (see `yielding`).
    this.yielding++;
    // A key added while it was processed runs again now (a newer event wins over the backoff).
    const dirty = this.dirtyWhileProcessing.get(key);
    if (dirty !== undefined) {
      this.dirtyWhileProcessing.delete(key);
      this.add(key, dirty);
    } else if (retryInMs !== null) this.addAfter(key, retryInMs, item.priority);
    // Yield to the event loop's I/O phase before taking the next key. A handler that
    // sends no request (a no-op reconcile served from the cache) resolves through
    // microtasks only; without this turn a whole resync would run before a watch
    // event, a drift at high priority, could even be read.
    await yieldToIo();
    this.yielding--;
    this.pump();
  }
}
