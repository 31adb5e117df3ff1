/**
 * What a watch costs the apiserver: on a fresh local control plane, N web Deployments are
 * server-side applied (FORUM_CONCURRENCY at a time) into a new namespace while 0, 1 or 3
 * label-selected JSON watches of that namespace's Deployments are open (the operator's
 * informers hold one such watch per kind), and kube-controller-manager's work on them is
 * given 8 s to pass; then the CPU seconds of kube-apiserver, etcd and
 * kube-controller-manager (bench/cpu.ts) per Deployment, for each count of watches, in
 * two rounds (0, 1, 3, then 0, 3) to show the noise. Prints lines; writes nothing.
 *
 * Usage: npx tsx bench/watch-cost.ts   (BENCH_REQUESTS=N, default 600)
 */
import { setTimeout as sleep } from "node:timers/promises";
import { OWNED_LABEL_SELECTOR } from "../reconciler/builders/index.js";
import { ApiTransport } from "../src/kube/api-transport.js";
import { accessFromKubeConfig } from "../src/kube/cluster-access.js";
import { startBenchCluster } from "./cluster.js";
import { cpuMeter } from "./cpu.js";
import { forumName, webDeployment } from "./forums.js";
import { runPool } from "./pool.js";
import { applyChild, FORUM_CONCURRENCY } from "./reconcile.js";

const N = Number(process.env.BENCH_REQUESTS ?? 600);

const cluster = await startBenchCluster({ workloads: false });
const transport = new ApiTransport(accessFromKubeConfig(cluster.kc));
try {
  for (const [round, watches] of [[1, 0], [1, 1], [1, 3], [2, 0], [2, 3]] as const) {
    const ns = await cluster.namespace(`bench-watch-cost-${round}-${watches}`);
    // The operator's own watch request (ApiTransport.watch, as its informers send it); the events are dropped.
    const watch = (): Promise<AbortController> =>
      transport.watch(`/apis/apps/v1/namespaces/${ns}/deployments`, { allowWatchBookmarks: "true", labelSelector: OWNED_LABEL_SELECTOR }, () => undefined, () => undefined);
    const closers = await Promise.all(Array.from({ length: watches }, watch));
    await sleep(500);
    const cpu = cpuMeter(cluster.plane.pids);
    await runPool(Array.from({ length: N }, (_, i) => forumName(i)), FORUM_CONCURRENCY, (name) => applyChild(cluster, ns, webDeployment(name, ns)));
    // kube-controller-manager's status updates, ReplicaSets and Pods, whose Deployment events reach the watches
    await sleep(8000);
    const used = cpu();
    const ms = (process: string): string => (((used[process] ?? 0) * 1000) / N).toFixed(2);
    console.log(`round ${round}, ${watches} watches: kube-apiserver ${ms("kube-apiserver")} ms, etcd ${ms("etcd")} ms, kube-controller-manager ${ms("kube-controller")} ms per Deployment`);
    closers.forEach((c) => c.abort());
  }
} finally {
  await cluster.stop();
}
