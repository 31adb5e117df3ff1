/**
 * Values computed once per version of a cached object: the object caches hand out the
 * object they store until a new version of it replaces it (object-cache.ts, a cache that is
 * not compact), so that object stands for its version. Each entry is held in a WeakMap, and
 * goes with the version it was computed for. Used for the spec check of a Discourse
 * (steps/check-spec.ts) and its migration Jobs' names (steps/plan-migrations.ts).
 */
export class VersionMemo<K, V> {
  private readonly byVersion = new WeakMap<object, Map<K, V>>();

  /**
   * The value of `key` for the version `source`, computed by `compute` on the first call only.
   * @param source - the cached object; undefined computes every time and keeps nothing.
   */
  get(source: object | undefined, key: K, compute: () => V): V {
    if (source === undefined) return compute();
    let values = this.byVersion.get(source);
    if (values?.has(key)) return values.get(key) as V;
    const value = compute();
    if (!values) this.byVersion.set(source, (values = new Map<K, V>()));
    values.set(key, value);
    return value;
  }
}
