/**
 * reconcile.sharded_*: the same convergence as reconcile.converge_s, by
 * `count` operator processes, each `reconciler --shard <i>/<count>` (no leader
 * election: one process per shard), in a fresh namespace; stopped afterwards.
 */
import { join } from "node:path";
import type { BenchCluster } from "./cluster.js";
import { startOperator, type OperatorProcess } from "./operator-process.js";
import { createSecrets, measureConverge, planForums } from "./reconcile.js";

export interface ShardedFigures {
  "reconcile.shards": number;
  "reconcile.sharded_converge_s": number;
  "memory.sharded_rss_mb_max": number;
}

/** @param outDir - where the shards' logs go (`operator-shard-<i>.log`). */
export async function measureSharded(cluster: BenchCluster, opts: { instances: number; count: number; resyncPeriodS: number; timeoutMs: number; outDir: string }): Promise<ShardedFigures> {
  const ns = await cluster.namespace("bench-sharded");
  const { forums, keys } = planForums(opts.instances, ns);
  await createSecrets(cluster, ns, forums);
  const shards: OperatorProcess[] = [];
  try {
    for (let i = 0; i < opts.count; i++) {
      shards.push(await startOperator({ kubeconfigPath: cluster.plane.kubeconfigPath, namespace: ns, resyncPeriodS: opts.resyncPeriodS, logPath: join(opts.outDir, `operator-shard-${i}.log`), shard: `${i}/${opts.count}` }));
    }
    const converge = await measureConverge(cluster, ns, forums, keys, opts.timeoutMs);
    const rss = Math.max(...shards.map((s) => s.rssMb()));
    return { "reconcile.shards": opts.count, "reconcile.sharded_converge_s": converge, "memory.sharded_rss_mb_max": rss };
  } finally {
    await Promise.all(shards.map((s) => s.stop()));
  }
}
