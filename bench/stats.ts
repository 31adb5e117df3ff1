/** Small statistics for the benchmarks: percentiles by the nearest-rank method. */

/**
 * The `p`-th percentile (0–100) of `values` by nearest rank.
 * @throws Error when `values` is empty.
 */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) throw new Error("percentile of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

/** Rounds to `digits` decimals (for the report; the JSON keeps this precision too). */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Milliseconds since `t0` (a performance.now() value). */
export function since(t0: number): number {
  return performance.now() - t0;
}
