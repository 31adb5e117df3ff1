/**
 * idle.writes_per_resync: write requests (discourse_operator_write_requests_total,
 * every POST/PUT/PATCH/DELETE the reconciler sends but the Lease's) during
 * one full periodic resync of N converged forums. The window opens once
 * the counter has been still for `quietMs`, and closes once the reconcile
 * counter has grown by at least N (every forum reconciled again) and then
 * stayed still for `quietMs`.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { OperatorProcess } from "./operator-process.js";

export const WRITES = "discourse_operator_write_requests_total";
export const RECONCILES = "discourse_operator_reconcile_total";

export interface IdleFigures {
  "idle.writes_per_resync": number;
}

async function waitStill(op: OperatorProcess, metric: string, quietMs: number, deadline: number): Promise<number> {
  let last = await op.counter(metric);
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() > deadline) throw new Error(`${metric} did not settle`);
    await sleep(200);
    const now = await op.counter(metric);
    if (now !== last) [last, since] = [now, Date.now()];
  }
  return last;
}

/**
 * @param settleMs - how long the writes may take to come to rest first: the operator still
 *   adopts the claims kube-controller-manager makes for a large fleet's StatefulSets.
 * @throws Error when the writes do not rest within `settleMs` (at least two periods plus a
 *   minute), or no full resync happens within two periods (plus a minute) after.
 */
export async function measureIdle(op: OperatorProcess, opts: { instances: number; resyncPeriodS: number; quietMs: number; settleMs?: number }): Promise<{ figures: IdleFigures; reconciles: number }> {
  const window = 2 * opts.resyncPeriodS * 1000 + 60_000;
  const w0 = await waitStill(op, WRITES, opts.quietMs, Date.now() + Math.max(window, opts.settleMs ?? 0));
  const deadline = Date.now() + window;
  const r0 = await op.counter(RECONCILES);
  while ((await op.counter(RECONCILES)) < r0 + opts.instances) {
    if (Date.now() > deadline) throw new Error("no full resync happened in time");
    await sleep(200);
  }
  const r1 = await waitStill(op, RECONCILES, opts.quietMs, deadline + 60_000);
  const w1 = await op.counter(WRITES);
  return { figures: { "idle.writes_per_resync": w1 - w0 }, reconciles: r1 - r0 };
}
