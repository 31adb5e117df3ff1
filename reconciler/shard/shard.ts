/**
 * Sharding of the Discourse objects across reconciler processes: shard
 * `index` of `count` reconciles exactly the keys (`namespace/name`) whose
 * 32-bit FNV-1a hash modulo `count` is `index`. The hash depends on the key
 * alone, so every process computes the same split with no coordination;
 * each shard has its own Lease, so a standby of the same shard takes it over
 * when its leader dies. Changing `count` moves keys between shards: roll every
 * shard to the new count together.
 *
 * FNV-1a: http://www.isthe.com/chongo/tech/comp/fnv/ (offset basis 2166136261, prime 16777619).
 */

/** Shard `index` of `count`, 0 ≤ index < count. */
export interface Shard {
  index: number;
  count: number;
}

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** The 32-bit FNV-1a hash of the UTF-8 bytes of `text`, as an unsigned integer. */
export function fnv1a32(text: string): number {
  let h = FNV_OFFSET;
  for (const byte of Buffer.from(text, "utf8")) {
    h ^= byte;
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  return h >>> 0;
}

/** The shard index of `key` (`namespace/name`) among `count` shards. */
export function shardOf(key: string, count: number): number {
  return fnv1a32(key) % count;
}

/** Whether `shard` reconciles `key`; always true without sharding. */
export function ownsKey(shard: Shard | undefined, key: string): boolean {
  return !shard || shard.count === 1 || shardOf(key, shard.count) === shard.index;
}

/** The Lease of one shard: `<base>-shard-<index>-of-<count>`; `base` itself without sharding. */
export function shardLeaseName(base: string, shard: Shard | undefined): string {
  return shard ? `${base}-shard-${shard.index}-of-${shard.count}` : base;
}

/**
 * Parses `<index>/<count>` (e.g. `0/3`). An index of `count` or more is taken
 * modulo `count`, so a StatefulSet can pass its pod index: with 2 × count pods,
 * pods k and k + count serve the same shard, one leading, one standing by.
 * @throws Error on anything else (count < 1, negative or non-integer numbers).
 */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const count = Number(m?.[2]);
  if (!m || !Number.isSafeInteger(count) || count < 1) throw new Error(`not a shard: "${text}" (use <index>/<count>, e.g. 0/3)`);
  return { index: Number(m[1]) % count, count };
}
