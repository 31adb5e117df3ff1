/**
 * A small time-to-live cache with single-flight loading: concurrent misses
 * of one key share one load (one API call), as Go's singleflight does for
 * client-go callers. Failed loads are not cached. The clock is injected for tests.
 *
 * With `refreshAhead` (Caffeine's refreshAfterWrite), a hit on an entry past
 * that fraction of its TTL returns the cached value at once and reloads it in
 * the background, so steady traffic never waits for a load; staleness stays
 * bounded by the TTL (an entry is never served past it).
 */

export interface TtlCacheOptions<V> {
  /** How long `value` is reused, in milliseconds; per value, so "exists" may live longer than "absent". 0 = not cached. */
  ttlMs: (value: V) => number;
  /** Most entries kept; the oldest stored is dropped beyond it. Default 10 000. */
  maxEntries?: number;
  /** Clock in milliseconds, for tests. Default Date.now. */
  now?: () => number;
  /** Fraction of the TTL (0..1) after which a hit also reloads in the background. Default: never. */
  refreshAhead?: number;
}

interface Entry<V> {
  value: V;
  expiresAt: number;
  /** From this time on a hit also starts a background reload (Infinity: never). */
  refreshAt: number;
  /** Order of the write, to keep a load that started earlier from overwriting a later `set`. */
  seq: number;
}

/** See the file comment. */
export class TtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly inflight = new Map<string, Promise<V>>();
  private readonly now: () => number;
  private readonly maxEntries: number;
  private seq = 0;
  /** Loads started (misses that were not joined to another load), for tests and metrics. */
  loads = 0;

  constructor(private readonly opts: TtlCacheOptions<V>) {
    this.now = opts.now ?? Date.now;
    this.maxEntries = opts.maxEntries ?? 10_000;
  }

  /** Number of entries held (expired ones included until next touched). */
  get size(): number {
    return this.entries.size;
  }

  /** The value of `key` if held and not expired. */
  peek(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() < entry.expiresAt) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  /**
   * The cached value of `key`, or the result of `load()`, stored for `ttlMs(value)`.
   * A miss while a load of the same key is running waits for that load.
   *
   * @throws whatever `load` throws (nothing is cached then; the next call loads again).
   */
  async get(key: string, load: () => Promise<V>): Promise<V> {
    const entry = this.entries.get(key);
    const now = this.now();
    if (entry && now < entry.expiresAt) {
      if (now >= entry.refreshAt && !this.inflight.has(key)) this.load(key, load).catch(() => undefined);
      return entry.value;
    }
    return this.inflight.get(key) ?? this.load(key, load);
  }

  /** Starts the (single) load of `key`; its result is stored unless a `set` came in meanwhile. */
  private load(key: string, loader: () => Promise<V>): Promise<V> {
    const startedAt = this.seq;
    this.loads++;
    const loading = (async (): Promise<V> => {
      try {
        const value = await loader();
        const current = this.entries.get(key);
        if (!current || current.seq <= startedAt) this.store(key, value);
        return value;
      } finally {
        this.inflight.delete(key);
      }
    })();
    this.inflight.set(key, loading);
    return loading;
  }

  /** Store a value learnt elsewhere (e.g. "this Secret was just created"); wins over a load already running. */
  set(key: string, value: V): void {
    this.store(key, value);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  private store(key: string, value: V): void {
    const ttl = this.opts.ttlMs(value);
    this.entries.delete(key);
    if (ttl <= 0) return;
    const now = this.now();
    const refreshAt = this.opts.refreshAhead === undefined ? Infinity : now + ttl * this.opts.refreshAhead;
    this.entries.set(key, { value, expiresAt: now + ttl, refreshAt, seq: ++this.seq });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }
}
