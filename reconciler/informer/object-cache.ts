/**
 * The in-memory copy of one kind's objects that an informer keeps, keyed by
 * `namespace/name`. Objects are stored without the fields the operator never
 * reads (see `stripForCache`), as controller-runtime's cache can be told to
 * do (`cache.Options.DefaultTransform = cache.TransformStripManagedFields()`).
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

/** See the file comment. */
export class ObjectCache {
  private readonly items = new Map<string, KubeObject>();

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.items.get(objectKey(namespace, name));
  }

  /** All objects, or those of one namespace. */
  list(namespace?: string): KubeObject[] {
    const all = [...this.items.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  /** Stores `obj` (stripped, see `stripForCache`); returns the previous copy. */
  set(obj: KubeObject): KubeObject | undefined {
    const key = objectKey(obj.metadata.namespace, obj.metadata.name);
    const old = this.items.get(key);
    this.items.set(key, stripForCache(obj));
    return old;
  }

  /**
   * Stores `obj` (for instance the answer to a write) unless the cache already
   * holds a newer resourceVersion of it (resourceVersions compared as integers,
   * which holds for etcd-backed servers; otherwise the given object wins).
   */
  setIfNewer(obj: KubeObject): void {
    const old = this.get(obj.metadata.namespace, obj.metadata.name);
    if (!old || newer(obj.metadata.resourceVersion, old.metadata.resourceVersion)) this.set(obj);
  }

  delete(namespace: string | undefined, name: string): KubeObject | undefined {
    const key = objectKey(namespace, name);
    const old = this.items.get(key);
    this.items.delete(key);
    return old;
  }

  /** Replaces the whole content (stripped, see `stripForCache`); returns the previous content by key. */
  replaceAll(objs: KubeObject[]): Map<string, KubeObject> {
    const previous = new Map(this.items);
    this.items.clear();
    for (const o of objs) this.items.set(objectKey(o.metadata.namespace, o.metadata.name), stripForCache(o));
    return previous;
  }
}
