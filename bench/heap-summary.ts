/**
 * Where a V8 heap snapshot's bytes are: the self size of its objects, summed by
 * type and constructor (or, for strings, by type alone), largest first. For the
 * snapshot `BENCH_HEAP_SNAPSHOT=<dir> npm run bench` makes the operator write
 * after the memory sample (bench/operator-process.ts).
 *
 * Usage: node --max-old-space-size=4096 --import tsx bench/heap-summary.ts <file.heapsnapshot> [rows]
 *
 * The format (`snapshot.meta.node_fields`, a flat `nodes` array, a `strings` table) is
 * V8's, the one Chrome DevTools reads: v8/include/v8-profiler.h, HeapSnapshotJSONSerializer.
 */
import { readFileSync } from "node:fs";

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] }; node_count: number };
  nodes: number[];
  strings: string[];
}

/** Rows of `{ group, count, bytes }`, largest `bytes` first. */
export function summarize(s: Snapshot): Array<{ group: string; count: number; bytes: number }> {
  const fields = s.snapshot.meta.node_fields;
  const width = fields.length;
  const typeAt = fields.indexOf("type");
  const nameAt = fields.indexOf("name");
  const sizeAt = fields.indexOf("self_size");
  const types = s.snapshot.meta.node_types[0];
  const groups = new Map<string, { count: number; bytes: number }>();
  for (let i = 0; i < s.nodes.length; i += width) {
    const type = types[s.nodes[i + typeAt]!] ?? "?";
    const name = type === "string" || type === "concatenated string" || type === "sliced string" ? "" : s.strings[s.nodes[i + nameAt]!] ?? "?";
    const key = name ? `${type} ${name.length > 60 ? `${name.slice(0, 57)}...` : name}` : type;
    const g = groups.get(key) ?? { count: 0, bytes: 0 };
    g.count++;
    g.bytes += s.nodes[i + sizeAt]!;
    groups.set(key, g);
  }
  return [...groups.entries()].map(([group, g]) => ({ group, ...g })).sort((a, b) => b.bytes - a.bytes);
}

const file = process.argv[2];
if (file) {
  const rows = Number(process.argv[3] ?? 40);
  const all = summarize(JSON.parse(readFileSync(file, "utf8")) as Snapshot);
  const total = all.reduce((n, r) => n + r.bytes, 0);
  console.log(`total self size ${(total / 2 ** 20).toFixed(1)} MiB in ${all.reduce((n, r) => n + r.count, 0)} objects`);
  for (const r of all.slice(0, rows)) console.log(`${(r.bytes / 2 ** 20).toFixed(2).padStart(8)} MiB ${String(r.count).padStart(9)}  ${r.group}`);
} else if (process.argv[1]?.endsWith("heap-summary.ts")) {
  console.error("usage: node --max-old-space-size=4096 --import tsx bench/heap-summary.ts <file.heapsnapshot> [rows]");
  process.exitCode = 2;
}
