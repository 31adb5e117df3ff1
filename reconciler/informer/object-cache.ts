/**
 * The in-memory copy of one kind's objects that an informer keeps, keyed by
 * `namespace/name`. Objects are stored without the fields the operator never
 * reads (see `stripForCache`), as controller-runtime's cache can be told to
 * do (`cache.Options.DefaultTransform = cache.TransformStripManagedFields()`).
 *
 * Two options keep a large fleet's cache small and its reads cheap:
 * - `compact`: each object is held as its JSON text and parsed on every read.
 *   A parsed object costs V8 several times its JSON size (a property slot, a
 *   hidden class and a heap string per value); one-byte JSON text costs one byte
 *   per character. The children of one forum are ~40 KB of JSON, read a dozen
 *   times per reconcile, so the parse (tens of microseconds each) is cheap beside
 *   the API request a reconcile sends anyway. Measured by `npm run bench`
 *   (memory.rss_mb_per_100_forums; docs/benchmarks.md).
 * - `indexBy`: a secondary index (client-go's `cache.Indexer`, controller-runtime's
 *   `IndexField`), so a reconcile lists one forum's objects instead of scanning
 *   every object of a namespace that may hold thousands of forums.
 * Every read returns a fresh object when `compact` is set, the stored one otherwise:
 * callers never modify what they read.
 */
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

function newer(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return true;
  return BigInt(a) >= BigInt(b);
}

export interface ObjectCacheOptions {
  /** Hold objects as JSON text, parsed on every read (see the file comment). Defaults to false. */
  compact?: boolean;
  /** The index values of an object, for `indexed(value)` (for instance the keys of the forums that own it). */
  indexBy?: (obj: KubeObject) => string[];
}

/** One stored object: the object itself, or its JSON text when the cache is compact. */
interface Entry {
  namespace: string;
  resourceVersion: string | undefined;
  /** The index values it was filed under (to unfile it). */
  indexValues: string[];
  value: KubeObject | string;
}

/** See the file comment. */
export class ObjectCache {
  private readonly items = new Map<string, Entry>();
  private readonly index = new Map<string, Set<string>>();

  constructor(private readonly opts: ObjectCacheOptions = {}) {}

  /** Number of objects held. */
  get size(): number {
    return this.items.size;
  }

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    const entry = this.items.get(objectKey(namespace, name));
    return entry && read(entry);
  }

  /** All objects, or those of one namespace. */
  list(namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const entry of this.items.values()) if (namespace === undefined || entry.namespace === namespace) out.push(read(entry));
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
      if (entry) out.push(read(entry));
    }
    return out;
  }

  /** Stores `obj` (stripped, see `stripForCache`); returns the previous copy. */
  set(obj: KubeObject): KubeObject | undefined {
    const key = objectKey(obj.metadata.namespace, obj.metadata.name);
    const old = this.items.get(key);
    this.store(key, obj);
    return old && read(old);
  }

  /**
   * Stores `obj` (for instance the answer to a write) unless the cache already
   * holds a newer resourceVersion of it (resourceVersions compared as integers,
   * which holds for etcd-backed servers; otherwise the given object wins).
   */
  setIfNewer(obj: KubeObject): void {
    const key = objectKey(obj.metadata.namespace, obj.metadata.name);
    const old = this.items.get(key);
    if (!old || newer(obj.metadata.resourceVersion, old.resourceVersion)) this.store(key, obj);
  }

  delete(namespace: string | undefined, name: string): KubeObject | undefined {
    const key = objectKey(namespace, name);
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unfile(key, old);
    this.items.delete(key);
    return read(old);
  }

  /** The keys (`namespace/name`) of every object held, as a copy. */
  keys(): string[] {
    return [...this.items.keys()];
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
      value: this.opts.compact ? JSON.stringify(stripped) : stripped,
    };
    this.items.set(key, entry);
    for (const v of indexValues) {
      let keys = this.index.get(v);
      if (!keys) this.index.set(v, (keys = new Set()));
      keys.add(key);
    }
  }

  private unfile(key: string, entry: Entry): void {
    for (const v of entry.indexValues) {
      const keys = this.index.get(v);
      keys?.delete(key);
      if (keys?.size === 0) this.index.delete(v);
    }
  }
}

function read(entry: Entry): KubeObject {
  return typeof entry.value === "string" ? (JSON.parse(entry.value) as KubeObject) : entry.value;
}
