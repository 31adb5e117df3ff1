/**
 * reconcile.ready_s: from sending N forums until every one reports condition
 * Ready=True, on a control plane that runs workloads (kube-scheduler, KWOK's
 * three simulated nodes, the host-path provisioner; src/envtest/launcher.ts).
 * It covers what convergence does not: pods scheduled and started (simulated),
 * claims bound, migration Jobs completed, Deployment and StatefulSet status
 * reaching the operator, and its status write. Its own control plane, started
 * after the others stopped, so the scheduler and KWOK never load the other
 * measurements; N is small (default 10) because each forum requests about 5.4
 * CPUs of the nodes' 96 (src/envtest/simulated-nodes.ts).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { GROUP, PLURAL, VERSION } from "../src/api/constants.js";
import { expectStatus, startBenchCluster } from "./cluster.js";
import { startOperator } from "./operator-process.js";
import { runPool } from "./pool.js";
import { createSecrets, FORUM_CONCURRENCY, planForums } from "./reconcile.js";

export interface ReadyFigures {
  "reconcile.ready_instances": number;
  "reconcile.ready_s": number;
}

interface Listed {
  items: { status?: { conditions?: { type: string; status: string }[] } }[];
}

const readyCount = (list: Listed): number => list.items.filter((d) => d.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True")).length;

/**
 * Starts its control plane and the operator, creates `instances` forums (the
 * credentials Secrets first, untimed) and times until all are Ready.
 * @returns the figures; @throws Error after `timeoutMs` naming how many were Ready.
 */
export async function measureReady(instances: number, logPath: string, timeoutMs: number): Promise<ReadyFigures> {
  const cluster = await startBenchCluster({ workloads: true });
  try {
    const ns = await cluster.namespace("bench-ready");
    const { forums } = planForums(instances, ns);
    await createSecrets(cluster, ns, forums);
    const operator = await startOperator({ kubeconfigPath: cluster.plane.kubeconfigPath, namespace: ns, resyncPeriodS: 600, logPath });
    try {
      const path = `/apis/${GROUP}/${VERSION}/namespaces/${ns}/${PLURAL}`;
      const t0 = performance.now();
      await runPool(forums, FORUM_CONCURRENCY, async (f) => expectStatus(await cluster.api("POST", `${path}?fieldManager=bench`, f.raw), [201], `creating ${f.raw.metadata.name}`));
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const res = await cluster.api("GET", path);
        const ready = readyCount(res.body as Listed);
        if (ready === instances) return { "reconcile.ready_instances": instances, "reconcile.ready_s": (performance.now() - t0) / 1000 };
        if (Date.now() > deadline) throw new Error(`${ready}/${instances} forums Ready after ${timeoutMs / 1000} s`);
        await sleep(200);
      }
    } finally {
      await operator.stop();
    }
  } finally {
    await cluster.stop();
  }
}
