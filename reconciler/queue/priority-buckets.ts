/**
 * The waiting keys of a priority work queue, by priority: FIFO within one
 * priority, higher priorities first, and aging so low priorities are never
 * starved. The shape follows controller-runtime's priority queue
 * (pkg/controller/priorityqueue, v0.20+): a key is held once, at the highest
 * priority it was added with (adding a waiting key at a higher priority
 * promotes it); the periodic resync adds at `LOW_PRIORITY` (controller-runtime's
 * `handler.LowPriority`), events at `DEFAULT_PRIORITY`.
 *
 * Anti-starvation (our addition; controller-runtime orders strictly by
 * priority): once the oldest key of a lower priority has waited `agedAfterMs`,
 * at least one in every `agedShare` keys taken is the oldest such aged key.
 * Fresh events still go first most of the time, so a drift correction waits for
 * at most one aged key, and a resync progresses at ≥ 1/agedShare of the
 * throughput under a steady stream of events.
 */

/** Priority of events (users' changes, drift): controller-runtime's default. */
export const DEFAULT_PRIORITY = 0;
/** Priority of the periodic resync: controller-runtime's `handler.LowPriority`. */
export const LOW_PRIORITY = -100;

export interface AgingOptions {
  /** A lower-priority key that waited this long is aged, in milliseconds. Defaults to 5000. */
  agedAfterMs?: number;
  /** While an aged key waits, at least one of every `agedShare` keys taken is aged. Defaults to 8. */
  agedShare?: number;
}

/** A key taken from the buckets. */
export interface TakenKey {
  key: string;
  priority: number;
  /** How long it waited, in milliseconds. */
  waitedMs: number;
}

/** See the file comment. */
export class PriorityBuckets {
  /** priority → key → when it was added (performance.now()), in insertion order. */
  private readonly buckets = new Map<number, Map<string, number>>();
  /** Priorities with a bucket, highest first. */
  private order: number[] = [];
  private readonly priorityOf = new Map<string, number>();
  private passedOver = 0;
  private readonly agedAfterMs: number;
  private readonly agedShare: number;

  constructor(opts: AgingOptions = {}, private readonly now: () => number = () => performance.now()) {
    this.agedAfterMs = opts.agedAfterMs ?? 5000;
    this.agedShare = Math.max(1, opts.agedShare ?? 8);
  }

  get size(): number {
    return this.priorityOf.size;
  }

  has(key: string): boolean {
    return this.priorityOf.has(key);
  }

  /** Keys waiting at `priority`. */
  count(priority: number): number {
    return this.buckets.get(priority)?.size ?? 0;
  }

  /**
   * Adds `key` at `priority`; a key waiting at a lower priority moves up (keeping
   * the time it was first added), one waiting at the same or a higher priority stays.
   * @returns true when the key was not waiting before.
   */
  add(key: string, priority: number): boolean {
    const current = this.priorityOf.get(key);
    if (current !== undefined && current >= priority) return false;
    let since = this.now();
    if (current !== undefined) {
      const from = this.buckets.get(current);
      since = from?.get(key) ?? since;
      from?.delete(key);
    }
    this.bucket(priority).set(key, since);
    this.priorityOf.set(key, priority);
    return current === undefined;
  }

  /** Takes the next key (see the file comment), or null when none waits. */
  take(): TakenKey | null {
    const top = this.order.find((p) => this.count(p) > 0);
    if (top === undefined) return null;
    const aged = this.oldestBelow(top);
    let priority = top;
    if (aged !== null && this.now() - aged.since >= this.agedAfterMs) {
      this.passedOver++;
      if (this.passedOver >= this.agedShare) {
        this.passedOver = 0;
        priority = aged.priority;
      }
    } else {
      this.passedOver = 0;
    }
    const bucket = this.buckets.get(priority) as Map<string, number>;
    const [key, since] = bucket.entries().next().value as [string, number];
    bucket.delete(key);
    this.priorityOf.delete(key);
    return { key, priority, waitedMs: this.now() - since };
  }

  /** Removes every key. */
  clear(): void {
    this.buckets.clear();
    this.order = [];
    this.priorityOf.clear();
    this.passedOver = 0;
  }

  private bucket(priority: number): Map<string, number> {
    let b = this.buckets.get(priority);
    if (!b) {
      b = new Map();
      this.buckets.set(priority, b);
      this.order = [...this.buckets.keys()].sort((a, c) => c - a);
    }
    return b;
  }

  /** The longest-waiting key of any priority below `top`. */
  private oldestBelow(top: number): { priority: number; since: number } | null {
    let best: { priority: number; since: number } | null = null;
    for (const p of this.order) {
      if (p >= top) continue;
      const first = this.buckets.get(p)?.values().next();
      if (first && !first.done && (best === null || first.value < best.since)) best = { priority: p, since: first.value };
    }
    return best;
  }
}
