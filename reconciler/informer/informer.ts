/**
 * A reliable informer for one kind: list, then watch from the list's
 * resourceVersion (https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes),
 * with an in-memory cache and event handlers.
 *
 * The informer of @kubernetes/client-node stops on errors and can stall
 * silently, so this one (like client-go's reflector):
 * - restarts a failed list or watch with exponential backoff (200 ms to 30 s) and jitter,
 *   so many informers (or replicas) that failed together do not retry together;
 * - relists after `410 Gone` (the resourceVersion was compacted away): at once the first
 *   time, with the same jittered backoff when 410s repeat before a watch succeeded;
 * - every LIST page has a deadline (the client's request timeout, src/kube/deadline-http.ts);
 * - keeps objects without managedFields and the last-applied annotation (`stripForCache`),
 *   handing handlers the stripped object (a compact cache holds it deflated: see ObjectCache);
 *   a watch event's managedFields are cut from its text before it is parsed
 *   (src/kube/managed-fields.ts), so they are never parsed at all;
 * - asks for bookmarks (`allowWatchBookmarks`) and a server-side `timeoutSeconds`, and treats
 *   a watch with no line at all (event or bookmark) for `stallTimeoutMs` as stalled: it aborts and restarts it.
 */
import type { Logger } from "../../src/log.js";
import { describeError, statusCode, type KubeClient, type KubeObject } from "../client/kube-client.js";
import { resourcePath, resourceType } from "../client/resources.js";
import { ExponentialBackoff } from "../queue/rate-limiter.js";
import { newer, ObjectCache, objectKey, splitKey, stripForCache, type ObjectCacheOptions } from "./object-cache.js";

export type InformerEvent = "add" | "update" | "delete";
/** Called for every change the informer sees (also for differences found by a relist). */
export type InformerHandler = (event: InformerEvent, obj: KubeObject, old?: KubeObject) => void;

export interface InformerOptions {
  /** Lists and watches (its watch is a plain HTTP stream, src/kube/api-transport.ts). */
  client: KubeClient;
  apiVersion: string;
  kind: string;
  /** Watch one namespace; absent: all namespaces. */
  namespace?: string;
  labelSelector?: string;
  /**
   * Objects for which it returns false are neither cached nor handed to handlers (a
   * shard keeps only its own forums' children: reconciler/shard/shard.ts). An object
   * that stops being kept is handled as deleted. Absent: every object is kept.
   */
  keep?: (obj: KubeObject) => boolean;
  logger: Logger;
  /** A watch silent (no event, no bookmark) this long is restarted. Defaults to 150000 (the server ends a watch within 120 s). */
  stallTimeoutMs?: number;
  /** Server-side watch timeout in seconds; a random value in [min, 2*min). Defaults to 60. */
  watchTimeoutSeconds?: number;
  /** How the cache holds objects (compact JSON text, a secondary index): see ObjectCache. */
  cache?: ObjectCacheOptions;
}

class GoneError extends Error {}

/** `ms` spread over [ms/2, ms): client-go's wait.Jitter spirit, without exceeding the cap. */
export function jittered(ms: number, random: () => number = Math.random): number {
  return Math.floor(ms / 2 + (random() * ms) / 2);
}

function isGone(err: unknown): boolean {
  if (err instanceof GoneError || statusCode(err) === 410) return true;
  return typeof err === "object" && err !== null && (err as { statusCode?: number }).statusCode === 410;
}

interface WatchLine {
  type: string;
  object: KubeObject & { code?: number; message?: string };
}

/** See the file comment. `start()`, then await `synced`. */
export class Informer {
  readonly cache: ObjectCache;
  /** Resolves once the first list is in the cache. */
  readonly synced: Promise<void>;
  private markSynced: () => void = () => undefined;
  private readonly handlers: InformerHandler[] = [];
  private readonly backoff = new ExponentialBackoff({ baseMs: 200, maxMs: 30_000 });
  private resourceVersion = "";
  private stopped = false;
  private abortWatch: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  /** Number of (re)started watches and lists, for tests and metrics. */
  readonly counts = { lists: 0, watches: 0, stalls: 0, gone: 0, errors: 0 };

  constructor(private readonly opts: InformerOptions) {
    this.cache = new ObjectCache(opts.cache);
    this.synced = new Promise((resolve) => (this.markSynced = resolve));
  }

  get kind(): string {
    return this.opts.kind;
  }

  on(handler: InformerHandler): void {
    this.handlers.push(handler);
  }

  start(): void {
    if (!this.loop) this.loop = this.run();
  }

  /** Stops the watch and waits for the loop to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abortWatch?.();
    this.wakeUp?.();
    await this.loop;
  }

  /** Forgets the resourceVersion and aborts the watch: the next round relists. For tests and for recovery. */
  restart(resourceVersion = ""): void {
    this.resourceVersion = resourceVersion;
    this.abortWatch?.();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        if (!this.resourceVersion) await this.relist();
        // The backoffs are reset by a watch line (handleLine), not by a watch that merely ended.
        await this.watchOnce();
      } catch (err) {
        if (this.stopped) break;
        if (isGone(err)) {
          this.counts.gone++;
          this.resourceVersion = "";
          // The first 410 relists at once; repeated ones (no watch succeeded in between) back off.
          const delay = this.backoff.retries("gone") === 0 ? 0 : jittered(this.backoff.when("gone"));
          if (delay === 0) this.backoff.when("gone");
          this.opts.logger.info({ kind: this.opts.kind, retryInMs: delay }, "watch expired (410 Gone): relisting");
          if (delay > 0) await this.sleep(delay);
          continue;
        }
        this.counts.errors++;
        const delay = jittered(this.backoff.when("w"));
        this.opts.logger.warn({ kind: this.opts.kind, retryInMs: delay, err: describeError(err) }, "list/watch failed: retrying");
        await this.sleep(delay);
      }
    }
  }

  private async sleep(ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.wakeUp = () => {
        clearTimeout(t);
        resolve();
      };
    });
    this.wakeUp = null;
  }

  /**
   * Lists every page and applies it to the cache as it comes (a page at a time, so a
   * large fleet's relist never holds a second copy of the whole cache), then drops what
   * the list no longer has. Adds and changes are handled per page, deletions at the end.
   */
  private async relist(): Promise<void> {
    this.counts.lists++;
    const seen = new Set<string>();
    let cont: string | undefined;
    let rv = "";
    do {
      const page = await this.opts.client.list(this.opts.apiVersion, this.opts.kind, {
        namespace: this.opts.namespace,
        labelSelector: this.opts.labelSelector,
        limit: 500,
        continue: cont,
      });
      for (const item of page.items) {
        if (!this.keeps(item)) continue;
        const obj = stripForCache(item);
        const key = objectKey(obj.metadata.namespace, obj.metadata.name);
        seen.add(key);
        if (this.cache.resourceVersionOf(key) === obj.metadata.resourceVersion && obj.metadata.resourceVersion !== undefined) continue;
        const old = this.cache.set(obj);
        this.emit(old ? "update" : "add", obj, old);
      }
      cont = page.continue;
      rv = page.resourceVersion;
    } while (cont);
    for (const key of this.cache.keys()) {
      if (seen.has(key)) continue;
      const { namespace, name } = splitKey(key);
      const old = this.cache.delete(namespace, name, rv || undefined);
      if (old) this.emit("delete", old);
    }
    this.resourceVersion = rv;
    this.markSynced();
  }

  private emit(event: InformerEvent, obj: KubeObject, old?: KubeObject): void {
    for (const h of this.handlers) {
      try {
        h(event, obj, old);
      } catch (err) {
        this.opts.logger.error({ kind: this.opts.kind, err: describeError(err) }, "informer handler failed");
      }
    }
  }

  /** Applies one watch line to the cache. @throws GoneError on an expired resourceVersion. */
  private handleLine(line: WatchLine): void {
    const obj = line.object;
    if (line.type === "ERROR") {
      if (obj.code === 410) throw new GoneError(obj.message ?? "Gone");
      throw new Error(`watch error: ${obj.message ?? "unknown"}`);
    }
    if (obj.metadata?.resourceVersion) this.resourceVersion = obj.metadata.resourceVersion;
    // The watch works: later failures start their backoff from the beginning again.
    this.backoff.forget("w");
    this.backoff.forget("gone");
    if (line.type === "BOOKMARK") return;
    const full = stripForCache({ ...obj, apiVersion: this.opts.apiVersion, kind: this.opts.kind });
    if (line.type === "DELETED") this.opts.logger.debug({ kind: this.opts.kind, namespace: obj.metadata.namespace, child: obj.metadata.name }, `watch: ${this.opts.kind} ${obj.metadata.name} deleted`);
    if (line.type === "DELETED" || !this.keeps(full)) {
      // Only whether it is held matters here: no inflate of a held copy.
      if (line.type !== "DELETED" && !this.cache.has(objectKey(obj.metadata.namespace, obj.metadata.name))) return;
      this.cache.delete(obj.metadata.namespace, obj.metadata.name, obj.metadata.resourceVersion);
      this.emit("delete", full);
      return;
    }
    // The cache may hold the answer of the reconciler's own write (ChildStore.remember) before
    // its watch event comes. Its echo (the same resourceVersion: the same object) is not stored
    // (deflated) again; handlers get it as its own previous copy, an update that changed nothing.
    // An event older than that answer (another writer's change the write already includes) must
    // not put the older copy back: the next reconcile would "correct" it a second time. It is
    // not stored either, and handlers get it with no previous copy, so its owner is reconciled
    // against the newer copy held.
    if (this.heldAlready(full)) return;
    const old = this.cache.set(full);
    this.emit(old ? "update" : "add", full, old);
  }

  /** See handleLine: true (handlers told) when the cache holds this version of `obj` or a newer one. */
  private heldAlready(obj: KubeObject): boolean {
    const rv = obj.metadata.resourceVersion;
    const held = this.cache.resourceVersionOf(objectKey(obj.metadata.namespace, obj.metadata.name));
    if (rv === undefined || held === undefined || (held !== rv && newer(rv, held))) return false;
    this.emit("update", obj, held === rv ? obj : undefined);
    return true;
  }

  private keeps(obj: KubeObject): boolean {
    return this.opts.keep ? this.opts.keep(obj) : true;
  }

  /** Runs one watch until the server ends it, it fails, stalls or the informer stops. */
  private async watchOnce(): Promise<void> {
    this.counts.watches++;
    this.opts.client.permit("watch", this.opts.apiVersion, this.opts.kind);
    const t = resourceType(this.opts.apiVersion, this.opts.kind);
    const min = this.opts.watchTimeoutSeconds ?? 60;
    const query = {
      resourceVersion: this.resourceVersion,
      allowWatchBookmarks: "true",
      labelSelector: this.opts.labelSelector,
      timeoutSeconds: String(min + Math.floor(Math.random() * min)),
    };
    const stallMs = this.opts.stallTimeoutMs ?? 150_000;
    await new Promise<void>((resolve, reject) => {
      let controller: AbortController | null = null;
      let finished = false;
      let stallTimer: NodeJS.Timeout | undefined;
      const finish = (err?: unknown): void => {
        if (finished) return;
        finished = true;
        clearTimeout(stallTimer);
        this.abortWatch = null;
        controller?.abort();
        if (err) reject(err instanceof Error ? err : new Error(describeError(err)));
        else resolve();
      };
      const arm = (): void => {
        clearTimeout(stallTimer);
        stallTimer = setTimeout(() => {
          this.counts.stalls++;
          this.opts.logger.warn({ kind: this.opts.kind, silentForMs: stallMs }, "watch stalled: restarting");
          finish();
        }, stallMs);
      };
      this.abortWatch = () => finish();
      arm();
      const onLine = (type: string, object: unknown): void => {
        if (finished) return;
        arm();
        try {
          this.handleLine({ type, object: object as WatchLine["object"] });
        } catch (err) {
          finish(err);
        }
      };
      this.opts.client
        .watch(resourcePath(t, this.opts.namespace), query, onLine, (err) => finish(err), { omitManagedFields: true })
        .then((c) => {
          controller = c;
          if (finished) c.abort();
        })
        .catch(finish);
    });
  }
}
