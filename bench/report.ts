/**
 * The figures of one run: the keys of issue 6 (flat, dotted), the targets,
 * the table printed at the end, and `.bench/latest.json`.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { AdmissionFigures } from "./admission.js";
import type { DriftFigures } from "./drift.js";
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

/** Every key `.bench/latest.json` holds, nothing else. */
export type Figures = WebhookFigures & AdmissionFigures & ReconcileFigures & ReadyFigures & DriftFigures & IdleFigures & MemoryFigures;

/** The order of the keys in the file and the table. */
export const KEYS: (keyof Figures)[] = [
  "webhook.validate.rps", "webhook.validate.p50_ms", "webhook.validate.p99_ms",
  "webhook.mutate.rps", "webhook.mutate.p50_ms", "webhook.mutate.p99_ms",
  "webhook.baseline.rps", "webhook.ratio",
  "admission.added_p50_ms", "admission.added_p99_ms",
  "reconcile.instances", "reconcile.converge_s", "reconcile.floor_s", "reconcile.ratio",
  "reconcile.ready_instances", "reconcile.ready_s",
  "drift.recreate_p50_ms", "drift.recreate_p99_ms",
  "idle.writes_per_resync",
  "memory.rss_mb",
];

interface Target {
  text: string;
  met: (value: number) => boolean;
}

/** The targets of issue 6 (memory's holds at 200 forums). */
export const TARGETS: Partial<Record<keyof Figures, Target>> = {
  "webhook.ratio": { text: ">= 0.25", met: (v) => v >= 0.25 },
  "admission.added_p99_ms": { text: "<= 5", met: (v) => v <= 5 },
  "reconcile.ratio": { text: "<= 2", met: (v) => v <= 2 },
  "drift.recreate_p99_ms": { text: "<= 1000", met: (v) => v <= 1000 },
  "idle.writes_per_resync": { text: "= 0", met: (v) => v === 0 },
  "memory.rss_mb": { text: "<= 150", met: (v) => v <= 150 },
};

/** The figures rounded for the file (3 decimals for ratios, 2 otherwise). */
export function rounded(f: Figures): Figures {
  const out = {} as Record<keyof Figures, number>;
  for (const k of KEYS) out[k] = round(f[k], k.endsWith("ratio") ? 3 : 2);
  return out;
}

/** A plain-text table: key, value, target, met. */
export function table(f: Figures): string {
  const rows = KEYS.map((k) => {
    const t = TARGETS[k];
    return [k, String(f[k]), t?.text ?? "", t ? (t.met(f[k]) ? "yes" : "NO") : ""];
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
