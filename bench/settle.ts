/**
 * Waiting for kube-controller-manager to finish the work a run left it
 * (ReplicaSets and Pods of every Deployment, StatefulSet and Job), so that it
 * does not load the machine during the next measurement.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { BenchCluster } from "./cluster.js";

async function podCount(cluster: BenchCluster, namespace: string): Promise<number> {
  const res = await cluster.api("GET", `/api/v1/namespaces/${namespace}/pods?limit=1`);
  const body = res.body as { items?: unknown[]; metadata?: { remainingItemCount?: number } };
  return (body.items?.length ?? 0) + (body.metadata?.remainingItemCount ?? 0);
}

/** Resolves when the Pod count of `namespace` is unchanged for `stillMs`, or after `maxMs`. @returns the count. */
export async function settle(cluster: BenchCluster, namespace: string, stillMs = 6000, maxMs = 180_000): Promise<number> {
  const deadline = Date.now() + maxMs;
  let last = await podCount(cluster, namespace);
  let since = Date.now();
  while (Date.now() - since < stillMs && Date.now() < deadline) {
    await sleep(1000);
    const now = await podCount(cluster, namespace);
    if (now !== last) [last, since] = [now, Date.now()];
  }
  return last;
}
