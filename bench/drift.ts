/**
 * drift.*: from deleting a child until the operator has created it again.
 * Trials alternate between the web Service and the env ConfigMap, each of
 * another forum; the clock starts just before the DELETE is sent and stops at
 * the watch event of an object of that name with a new uid. One at a time.
 */
import type { BenchCluster } from "./cluster.js";
import { expectStatus } from "./cluster.js";
import type { ChildWatcher } from "./child-watcher.js";
import { childKey, forumName } from "./forums.js";
import { percentile } from "./stats.js";

export interface DriftFigures {
  "drift.recreate_p50_ms": number;
  "drift.recreate_p99_ms": number;
}

const TARGETS = [
  { kind: "Service", plural: "services", suffix: "-web" },
  { kind: "ConfigMap", plural: "configmaps", suffix: "-env" },
] as const;

/** @throws Error when a child is not recreated within `timeoutMs`. */
export async function measureDrift(cluster: BenchCluster, watcher: ChildWatcher, namespace: string, opts: { instances: number; trials: number; timeoutMs: number }): Promise<{ figures: DriftFigures; samples: number[] }> {
  const samples: number[] = [];
  for (let i = 0; i < opts.trials; i++) {
    const target = TARGETS[i % TARGETS.length] as (typeof TARGETS)[number];
    const name = `${forumName(i % opts.instances)}${target.suffix}`;
    const key = childKey(target.kind, name);
    const uid = watcher.uid(key);
    if (!uid) throw new Error(`${key} does not exist before the trial`);
    const t0 = performance.now();
    const recreated = watcher.waitForRecreated(key, uid, opts.timeoutMs);
    expectStatus(await cluster.api("DELETE", `/api/v1/namespaces/${namespace}/${target.plural}/${name}`), [200], `deleting ${key}`);
    samples.push((await recreated) - t0);
  }
  return { figures: { "drift.recreate_p50_ms": percentile(samples, 50), "drift.recreate_p99_ms": percentile(samples, 99) }, samples };
}
