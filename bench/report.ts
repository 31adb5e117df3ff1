/**
 * The figures of one run: the keys of issues 6 and 13 (flat, dotted), the
 * targets of issue 13, the table printed at the end, and `.bench/latest.json`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { AdmissionFigures } from "./admission.js";
import type { DriftFigures } from "./drift.js";
import type { DriftDuringResyncFigures } from "./drift-during-resync.js";
import type { ShardedFigures } from "./shards.js";
import type { IdleFigures } from "./idle.js";
import type { MemoryFigures } from "./memory.js";
import type { ReadyFigures } from "./ready.js";
import { round } from "./stats.js";
import type { WebhookFigures } from "./webhook.js";

export interface ReconcileFigures {
  "reconcile.instances": number;
  "reconcile.converge_s": number;
  "reconcile.floor_s": number;
  "reconcile.ratio": number;
}

/** Every key `.bench/latest.json` holds, nothing else (the sharded keys only with --shards). */
export type Figures = WebhookFigures & AdmissionFigures & ReconcileFigures & ReadyFigures & DriftFigures & DriftDuringResyncFigures & IdleFigures & MemoryFigures & Partial<ShardedFigures & { "reconcile.sharded_ratio": number }>;

/** The order of the keys in the file and the table. */
export const KEYS: (keyof Figures)[] = [
  "webhook.validate.rps", "webhook.validate.p50_ms", "webhook.validate.p99_ms",
  "webhook.mutate.rps", "webhook.mutate.p50_ms", "webhook.mutate.p99_ms",
  "webhook.baseline.rps", "webhook.ratio",
  "admission.added_p50_ms", "admission.added_p99_ms", "admission.noop_added_p50_ms", "admission.noop_added_p99_ms", "admission.patching_added_p50_ms", "admission.patching_added_p99_ms", "admission.added_p99_spread_ms", "admission.samples_per_side",
  "reconcile.instances", "reconcile.converge_s", "reconcile.floor_s", "reconcile.ratio",
  "reconcile.shards", "reconcile.sharded_converge_s", "reconcile.sharded_ratio",
  "reconcile.ready_instances", "reconcile.ready_s",
  "drift.recreate_p50_ms", "drift.recreate_p99_ms",
  "drift.during_resync_p50_ms", "drift.during_resync_p99_ms",
  "idle.writes_per_resync",
  "memory.rss_mb", "memory.rss_mb_per_100_forums", "memory.sharded_rss_mb_max",
];

interface Target {
  text: string;
  met: (value: number) => boolean;
}

/** The targets of issue 13; memory's depends on the fleet (≤ 100 MiB at 200 forums, ≤ 200 at 2,000). */
export function targets(instances: number): Partial<Record<keyof Figures, Target>> {
  const memory = instances <= 200 ? 100 : 200;
  return {
    "webhook.ratio": { text: ">= 0.4", met: (v) => v >= 0.4 },
    "admission.added_p99_ms": { text: "<= 3", met: (v) => v <= 3 },
    "reconcile.ratio": { text: "<= 1.5", met: (v) => v <= 1.5 },
    "reconcile.sharded_ratio": { text: "<= 1.5", met: (v) => v <= 1.5 },
    "drift.recreate_p99_ms": { text: "<= 1000", met: (v) => v <= 1000 },
    "drift.during_resync_p99_ms": { text: "<= 1000", met: (v) => v <= 1000 },
    "idle.writes_per_resync": { text: "= 0", met: (v) => v === 0 },
    "memory.rss_mb": { text: `<= ${memory}`, met: (v) => v <= memory },
  };
}

/** The keys this run measured, in KEYS order. */
export function presentKeys(f: Figures): (keyof Figures)[] {
  return KEYS.filter((k) => f[k] !== undefined);
}

/** The figures rounded for the file (3 decimals for ratios, 2 otherwise); keys not measured are left out. */
export function rounded(f: Figures): Figures {
  const out = {} as Record<keyof Figures, number>;
  for (const k of presentKeys(f)) out[k] = round(f[k] as number, k.endsWith("ratio") ? 3 : 2);
  return out;
}

/** A plain-text table: key, value, target, met. */
export function table(f: Figures): string {
  const t13 = targets(f["reconcile.instances"]);
  const rows = presentKeys(f).map((k) => {
    const t = t13[k];
    const v = f[k] as number;
    return [k, String(v), t?.text ?? "", t ? (t.met(v) ? "yes" : "NO") : ""];
  });
  const header = ["figure", "value", "target", "met"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

export function writeJson(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}
