/**
 * Kubernetes Events about a Discourse (core/v1 Event, reportingComponent
 * `discourse-operator`), so `kubectl describe dsc NAME` tells what the
 * reconciler created, corrected, deleted or failed to do.
 *
 * Like client-go's EventRecorder (tools/record: a buffered broadcaster that
 * never blocks the caller), `record` only queues: a bounded queue (1000
 * events, client-go's `maxQueuedEvents`) is written by a small pool of
 * workers, so a reconcile never waits for an Event round trip. When the queue
 * is full the event is dropped with a log line. Repeats are correlated as
 * client-go's EventCorrelator does: the same event (same object, type, reason
 * and message) within 10 minutes bumps `count` and `lastTimestamp` of the
 * first one instead of creating another; repeats still queued are merged into
 * one write. Two writes of the same event are never in flight at once, so a
 * repeat always patches the Event its first occurrence created.
 * Messages must never hold secret values; callers pass paths, not data.
 */
import { randomBytes } from "node:crypto";
import { MANAGED_BY } from "../../src/api/constants.js";
import type { Logger } from "../../src/log.js";
import { describeError, type KubeClient, type KubeObject } from "../client/kube-client.js";

export type EventType = "Normal" | "Warning";

/** The two requests the recorder sends (KubeClient has them). */
export type EventSink = Pick<KubeClient, "create" | "mergePatch">;

export interface EventRecorderOptions {
  /** Events waiting to be written; more are dropped. Defaults to 1000. */
  queueSize?: number;
  /** Events written at the same time. Defaults to 4. */
  workers?: number;
}

const REPEAT_WINDOW_MS = 10 * 60_000;

/**
 * Distinct events remembered for correlation, at most: client-go's EventCorrelator keeps
 * 4096 (an LRU, tools/record/events_cache.go, maxLruCacheEntries). Here the bound is first
 * in, first out: beyond it the event created longest ago is forgotten (even if it repeated
 * since), and its next repeat creates a new Event instead of bumping the count.
 */
const MAX_SEEN = 4096;

interface Seen {
  name: string;
  namespace: string;
  count: number;
  firstAt: number;
}

/** One queued event; `count` grows while repeats arrive before it is written. */
interface Pending {
  key: string;
  involved: Record<string, string | undefined>;
  namespace: string;
  type: EventType;
  reason: string;
  message: string;
  count: number;
  firstAt: Date;
  lastAt: Date;
}

/** See the file comment. */
export class EventRecorder {
  private readonly seen = new Map<string, Seen>();
  private readonly host = process.env.HOSTNAME ?? "discourse-operator";
  private readonly queue: Pending[] = [];
  /** Queued (not yet taken by a worker) events by key. */
  private readonly queued = new Map<string, Pending>();
  private readonly inFlight = new Set<string>();
  private readonly queueSize: number;
  private readonly workers: number;
  private busy = 0;
  private closed = false;
  private idle: (() => void)[] = [];
  /** Events dropped because the queue was full or the recorder was shut down. */
  dropped = 0;

  constructor(private readonly client: EventSink, private readonly logger: Logger, opts: EventRecorderOptions = {}) {
    this.queueSize = opts.queueSize ?? 1000;
    this.workers = opts.workers ?? 4;
  }

  /**
   * Queues one event about `about` and returns at once (the promise is already
   * resolved; the write happens in the background). Never throws: a full queue
   * or a failed write is logged and the event dropped.
   * @param reason - CamelCase, e.g. Created, DriftCorrected, Deleted, ApplyFailed, InvalidSpec.
   */
  record(about: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    const key = `${about.metadata.uid ?? ""}|${type}|${reason}|${message}`;
    const now = new Date();
    const waiting = this.queued.get(key);
    if (waiting) {
      waiting.count++;
      waiting.lastAt = now;
      return Promise.resolve();
    }
    if (this.closed || this.queue.length >= this.queueSize) {
      this.dropped++;
      const why = this.closed ? "the recorder is stopped" : `${this.queueSize} events are queued`;
      this.logger.warn({ reason, involvedObject: about.metadata.name, dropped: this.dropped }, `event dropped: ${why}`);
      return Promise.resolve();
    }
    const item: Pending = { key, involved: involvedObject(about), namespace: about.metadata.namespace ?? "default", type, reason, message, count: 1, firstAt: now, lastAt: now };
    this.queue.push(item);
    this.queued.set(key, item);
    this.pump();
    return Promise.resolve();
  }

  /** Events queued or being written. */
  get pending(): number {
    return this.queue.length + this.busy;
  }

  /**
   * Stops accepting events (later ones are dropped with a log line). With `drain`,
   * waits until every queued event is written, at most `timeoutMs`; without, forgets
   * the queued ones (writes in flight finish on their own).
   */
  async shutdown(drain: boolean, timeoutMs = 5_000): Promise<void> {
    this.closed = true;
    if (!drain) {
      this.dropped += this.queue.length;
      this.queue.length = 0;
      this.queued.clear();
      return;
    }
    if (this.pending === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)));
    const empty = new Promise<boolean>((resolve) => this.idle.push(() => resolve(false)));
    const late = await Promise.race([empty, timedOut]);
    clearTimeout(timer);
    if (late) this.logger.warn({ pending: this.pending, timeoutMs }, "events not written before shutdown");
  }

  /** Starts workers while there is work and room in the pool. */
  private pump(): void {
    while (this.busy < this.workers) {
      const i = this.queue.findIndex((p) => !this.inFlight.has(p.key));
      if (i < 0) break;
      const [item] = this.queue.splice(i, 1);
      if (!item) break;
      this.queued.delete(item.key);
      this.inFlight.add(item.key);
      this.busy++;
      void this.write(item).finally(() => {
        this.inFlight.delete(item.key);
        this.busy--;
        this.pump();
        if (this.pending === 0) this.idle.splice(0).forEach((resolve) => resolve());
      });
    }
  }

  /** Writes one event (create, or patch of the first occurrence). Never throws. */
  private async write(item: Pending): Promise<void> {
    const prev = this.seen.get(item.key);
    try {
      if (prev && item.firstAt.getTime() - prev.firstAt < REPEAT_WINDOW_MS) {
        prev.count += item.count;
        await this.client.mergePatch({ apiVersion: "v1", kind: "Event", namespace: prev.namespace, name: prev.name }, { count: prev.count, lastTimestamp: item.lastAt.toISOString() });
        return;
      }
      const name = `${item.involved.name ?? "event"}.${randomBytes(8).toString("hex")}`;
      await this.client.create(this.event(item, name));
      // Deleted first, so the map's order stays the order of creation (prune relies on it).
      this.seen.delete(item.key);
      this.seen.set(item.key, { name, namespace: item.namespace, count: item.count, firstAt: item.firstAt.getTime() });
      this.prune(Date.now());
    } catch (err) {
      this.seen.delete(item.key);
      this.logger.warn({ reason: item.reason, err: describeError(err) }, "could not record event");
    }
  }

  private event(item: Pending, name: string): KubeObject {
    return {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace: item.namespace },
      involvedObject: item.involved,
      type: item.type,
      reason: item.reason,
      message: item.message.slice(0, 1024),
      count: item.count,
      firstTimestamp: item.firstAt.toISOString(),
      lastTimestamp: item.lastAt.toISOString(),
      eventTime: null,
      source: { component: MANAGED_BY },
      reportingComponent: MANAGED_BY,
      reportingInstance: this.host,
      action: item.reason,
    };
  }

  /**
   * Forgets events older than the repeat window, and the oldest beyond MAX_SEEN. The map
   * is in creation order, so this stops at the first entry it keeps: a write costs what
   * it removes, not the size of the map (a fleet's first reconcile records tens of thousands).
   */
  private prune(now: number): void {
    for (const [k, s] of this.seen) {
      if (now - s.firstAt < REPEAT_WINDOW_MS && this.seen.size <= MAX_SEEN) break;
      this.seen.delete(k);
    }
  }
}

/** The Event's `involvedObject`, copied when the event is queued (the object may change after). */
function involvedObject(about: KubeObject): Record<string, string | undefined> {
  return {
    apiVersion: about.apiVersion,
    kind: about.kind,
    name: about.metadata.name,
    namespace: about.metadata.namespace ?? "default",
    uid: about.metadata.uid,
    resourceVersion: about.metadata.resourceVersion,
  };
}
