/**
 * Where the bytes a run allocated came from, from the sampling heap profile
 * `BENCH_ALLOC_PROFILE=<dir> npm run bench` makes the operator write
 * (bench/alloc-profile.ts): the sampled bytes by function (self) and, summed over
 * each call stack, by the operator's own functions (inclusive), largest first.
 *
 * Usage: npx tsx bench/alloc-summary.ts <file.heapprofile> [rows]
 *
 * The format is the DevTools protocol's HeapProfiler.SamplingHeapProfile (a tree of
 * call frames with `selfSize`, and `samples`).
 */
import { readFileSync } from "node:fs";

interface Frame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  callFrame: Frame;
  selfSize: number;
  children: ProfileNode[];
}

function label(f: Frame): string {
  const file = f.url.includes("/dist/") ? f.url.slice(f.url.indexOf("/dist/") + 6) : f.url.split("/").pop() || "(native)";
  return `${f.functionName || "(anonymous)"} ${file}:${f.lineNumber + 1}`;
}

/** `{ self, inclusive }`: bytes by function label; inclusive counts a function once per stack. */
export function allocationsByFunction(head: ProfileNode): { self: Map<string, number>; inclusive: Map<string, number>; total: number } {
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  const walk = (n: ProfileNode, stack: string[]): void => {
    const name = label(n.callFrame);
    const here = stack.includes(name) ? stack : [...stack, name];
    if (n.selfSize > 0) {
      total += n.selfSize;
      self.set(name, (self.get(name) ?? 0) + n.selfSize);
      for (const s of here) inclusive.set(s, (inclusive.get(s) ?? 0) + n.selfSize);
    }
    for (const c of n.children) walk(c, here);
  };
  walk(head, []);
  return { self, inclusive, total };
}

function top(m: Map<string, number>, rows: number, filter: (k: string) => boolean = () => true): string {
  return [...m].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]).slice(0, rows)
    .map(([k, v]) => `${(v / 2 ** 20).toFixed(1).padStart(9)} MiB  ${k}`).join("\n");
}

const file = process.argv[2];
if (file) {
  const rows = Number(process.argv[3] ?? 30);
  const { head } = JSON.parse(readFileSync(file, "utf8")) as { head: ProfileNode };
  const { self, inclusive, total } = allocationsByFunction(head);
  console.log(`sampled allocations: ${(total / 2 ** 20).toFixed(1)} MiB`);
  console.log(`\nby function (self):\n${top(self, rows)}`);
  console.log(`\nthe operator's functions (inclusive):\n${top(inclusive, rows, (k) => /\.js:\d+$/.test(k) && !k.includes("node:"))}`);
}
