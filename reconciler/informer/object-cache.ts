/**
 * The in-memory copy of one kind's objects that an informer keeps, keyed by
 * `namespace/name`. Objects are stored without the fields the operator never
 * reads (see `stripForCache`), as controller-runtime's cache can be told to
 * do (`cache.Options.DefaultTransform = cache.TransformStripManagedFields()`).
 *
 * Two options keep a large fleet's cache small and its reads cheap:
 * - `compact`: each object is held deflated (zlib, raw deflate) and inflated and
 *   parsed on every read. The children of one forum are ~40 KB of JSON, most of it
 *   the same from forum to forum (labels, pod templates, server defaults), so with
 *   a preset dictionary of such text (`dictionary`, zlib's deflateSetDictionary) a child
 *   deflates to a few hundred bytes. The deflated bytes are kept as a one-byte
 *   (latin1) string: exact size, on V8's heap, no Buffer slab pinned. A read costs
 *   tens of microseconds, a dozen reads per reconcile, beside the API requests a
 *   reconcile sends anyway. Measured by `npm run bench` (memory.rss_mb_per_100_forums;
 *   docs/benchmarks.md).
 * - `indexBy`: a secondary index (client-go's `cache.Indexer`, controller-runtime's
 *   `IndexField`), so a reconcile lists one forum's objects instead of scanning
 *   every object of a namespace that may hold thousands of forums.
 * Every read returns a fresh object when `compact` is set, the stored one otherwise:
 * callers never modify what they read.
 *
 * A third keeps an unchanged fleet's resync from reading at all: `markVerified` notes,
 * on the entry of one version of an object, a token (the reconciler's digest of the
 * desired object it found that version to match), and `verified` answers whether the
 * entry still holds that version with that token. Any new copy of the object (a watch
 * event, a write's answer, a relist) starts a new entry with no mark, so a mark never
 * outlives the version it was made on. The reconciler then skips the inflate, the parse
 * and the compare of a child nobody changed (apply-child.ts).
 *
 * A deleted object leaves a tombstone (its key and the resourceVersion of the deletion,
 * kept `TOMBSTONE_TTL_MS`): the answer to a write can arrive after the watch event of the
 * deletion that followed it (the API server deletes a Discourse in the very update that
 * removes its last finalizer; the garbage collector deletes a child the reconciler just
 * patched), and `setIfNewer` must not put the deleted object back. Such a ghost was seen:
 * a forum deleted with its finalizer removed stayed in the cache, and so kept holding its
 * hostname against a newer forum, until the next relist.
 */
import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { KubeObject } from "../client/kube-client.js";

/** Written by `kubectl apply` (client-side): a copy of the whole object as last applied. */
export const LAST_APPLIED_ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";

/**
 * The object without `metadata.managedFields` (server-side apply's field
 * ownership, often the largest part of an object) and without the annotation
 * `kubectl.kubernetes.io/last-applied-configuration`: nothing in the operator
 * reads either. Returns `obj` itself when it has neither; never changes `obj`.
 */
export function stripForCache(obj: KubeObject): KubeObject {
  const meta = obj.metadata as KubeObject["metadata"] & { managedFields?: unknown };
  const annotations = meta.annotations;
  const lastApplied = annotations !== undefined && LAST_APPLIED_ANNOTATION in annotations;
  if (meta.managedFields === undefined && !lastApplied) return obj;
  const { managedFields: _dropped, ...metadata } = meta;
  if (lastApplied) {
    const { [LAST_APPLIED_ANNOTATION]: _lastApplied, ...rest } = annotations;
    metadata.annotations = rest;
  }
  return { ...obj, metadata };
}

/** `namespace/name` (or `name` for cluster-scoped objects): the work queue's key too. */
export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** Splits a key made by `objectKey`. */
export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf("/");
  return i < 0 ? { namespace: "", name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/**
 * Whether resourceVersion `a` is at least `b`, compared as integers (etcd's revisions);
 * true when either is absent or not an integer (then the given object wins).
 */
export function newer(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return true;
  return BigInt(a) >= BigInt(b);
}

export interface ObjectCacheOptions {
  /** Hold objects deflated, inflated and parsed on every read (see the file comment). Defaults to false. */
  compact?: boolean;
  /** zlib's preset dictionary for `compact`: text like the objects held (at most 32 KiB are used). */
  dictionary?: Buffer;
  /** The index values of an object, for `indexed(value)` (for instance the keys of the forums that own it). */
  indexBy?: (obj: KubeObject) => string[];
}

/** One stored object: the object itself, or its JSON text when the cache is compact. */
interface Entry {
  namespace: string;
  resourceVersion: string | undefined;
  /** The index values it was filed under (to unfile it). */
  indexValues: string[];
  /** The token of `markVerified` on this very version, if any. */
  verified?: string;
  /** The object, or (compact) its deflated JSON as a latin1 string. */
  value: KubeObject | string;
}

/** zlib's compression level: 6, the default of gzip and of zlib itself. */
const LEVEL = 6;

/**
 * How long a deleted object's tombstone refuses older copies (see the file comment), in
 * milliseconds: far longer than a write's answer can trail the watch, short enough that a
 * fleet's churn keeps few of them.
 */
export const TOMBSTONE_TTL_MS = 60_000;

/** See the file comment. */
export class ObjectCache {
  private readonly items = new Map<string, Entry>();
  private readonly index = new Map<string, Set<string>>();
  /** Deleted keys: the resourceVersion of the deletion and when it was seen (insertion order is time order). */
  private readonly tombstones = new Map<string, { resourceVersion: string | undefined; at: number }>();

  constructor(private readonly opts: ObjectCacheOptions = {}) {}

  /** Number of objects held. */
  get size(): number {
    return this.items.size;
  }

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    const entry = this.items.get(objectKey(namespace, name));
    return entry && this.read(entry);
  }

  /** All objects, or those of one namespace. */
  list(namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const entry of this.items.values()) if (namespace === undefined || entry.namespace === namespace) out.push(this.read(entry));
    return out;
  }

  /**
   * The objects filed under `value` by the `indexBy` option (none without it).
   * Costs the number of objects returned, not the size of the cache.
   */
  indexed(value: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const key of this.index.get(value) ?? []) {
      const entry = this.items.get(key);
      if (entry) out.push(this.read(entry));
    }
    return out;
  }

  /** Stores `obj` (stripped, see `stripForCache`), as the watch or a list saw it; returns the previous copy. */
  set(obj: KubeObject): KubeObject | undefined {
    const key = objectKey(obj.metadata.namespace, obj.metadata.name);
    const old = this.items.get(key);
    if (this.tombstones.size > 0) {
      this.tombstones.delete(key);
      this.expireTombstones(Date.now());
    }
    this.store(key, obj);
    return old && this.read(old);
  }

  /**
   * Stores `obj` (for instance the answer to a write) unless the cache already
   * holds a newer resourceVersion of it, or saw it deleted at a resourceVersion
   * not older than `obj`'s (resourceVersions compared as integers, which holds for
   * etcd-backed servers; otherwise the copy held wins over `obj`, and `obj` wins
   * over a tombstone only once it expired).
   */
  setIfNewer(obj: KubeObject): void {
    const key = objectKey(obj.metadata.namespace, obj.metadata.name);
    const old = this.items.get(key);
    if (old) {
      if (newer(obj.metadata.resourceVersion, old.resourceVersion)) this.store(key, obj);
      return;
    }
    this.expireTombstones(Date.now());
    const tomb = this.tombstones.get(key);
    // refused unless strictly after the deletion (`newer` is true when either is not an integer)
    if (tomb && newer(tomb.resourceVersion, obj.metadata.resourceVersion)) return;
    this.store(key, obj);
  }

  /**
   * Removes `namespace/name` and leaves a tombstone (see the file comment).
   * @param resourceVersion - the resourceVersion of the deletion (the DELETED watch event's
   *   object), or of the list that no longer had the object; absent: the copy held's.
   * @returns the copy that was held, if any.
   */
  delete(namespace: string | undefined, name: string, resourceVersion?: string): KubeObject | undefined {
    const key = objectKey(namespace, name);
    const old = this.items.get(key);
    const now = Date.now();
    this.expireTombstones(now);
    this.tombstones.delete(key);
    this.tombstones.set(key, { resourceVersion: resourceVersion ?? old?.resourceVersion, at: now });
    if (!old) return undefined;
    this.unfile(key, old);
    this.items.delete(key);
    return this.read(old);
  }

  /** Tombstones held (see the file comment). */
  get tombstoneCount(): number {
    return this.tombstones.size;
  }

  private expireTombstones(now: number): void {
    for (const [key, tomb] of this.tombstones) {
      if (now - tomb.at < TOMBSTONE_TTL_MS) return;
      this.tombstones.delete(key);
    }
  }

  /** The keys (`namespace/name`) of every object held, as a copy. */
  keys(): string[] {
    return [...this.items.keys()];
  }

  /**
   * Notes `token` on the copy held of `namespace/name` when it is still at `resourceVersion`
   * (see the file comment); does nothing otherwise.
   */
  markVerified(namespace: string | undefined, name: string, resourceVersion: string | undefined, token: string): void {
    const entry = this.items.get(objectKey(namespace, name));
    if (entry && resourceVersion !== undefined && entry.resourceVersion === resourceVersion) entry.verified = token;
  }

  /** Whether the copy held of `namespace/name` was marked with `token` by `markVerified` (false when absent). */
  verified(namespace: string | undefined, name: string, token: string): boolean {
    return this.items.get(objectKey(namespace, name))?.verified === token;
  }

  /** Whether an object is held under `key` (see objectKey), without inflating it. */
  has(key: string): boolean {
    return this.items.has(key);
  }

  /** The resourceVersion of the object held under `key` (see objectKey), without reading it. */
  resourceVersionOf(key: string): string | undefined {
    return this.items.get(key)?.resourceVersion;
  }

  private store(key: string, obj: KubeObject): void {
    const old = this.items.get(key);
    if (old) this.unfile(key, old);
    const stripped = stripForCache(obj);
    const indexValues = this.opts.indexBy?.(stripped) ?? [];
    const entry: Entry = {
      namespace: stripped.metadata.namespace ?? "",
      resourceVersion: stripped.metadata.resourceVersion,
      indexValues,
      value: this.opts.compact ? this.deflate(stripped) : stripped,
    };
    this.items.set(key, entry);
    for (const v of indexValues) {
      let keys = this.index.get(v);
      if (!keys) this.index.set(v, (keys = new Set()));
      keys.add(key);
    }
  }

  private deflate(obj: KubeObject): string {
    const opts = this.opts.dictionary ? { level: LEVEL, dictionary: this.opts.dictionary } : { level: LEVEL };
    return deflateRawSync(JSON.stringify(obj), opts).toString("latin1");
  }

  private read(entry: Entry): KubeObject {
    if (typeof entry.value !== "string") return entry.value;
    const opts = this.opts.dictionary ? { dictionary: this.opts.dictionary } : {};
    return JSON.parse(inflateRawSync(Buffer.from(entry.value, "latin1"), opts).toString("utf8")) as KubeObject;
  }

  private unfile(key: string, entry: Entry): void {
    for (const v of entry.indexValues) {
      const keys = this.index.get(v);
      keys?.delete(key);
      if (keys?.size === 0) this.index.delete(v);
    }
  }
}

