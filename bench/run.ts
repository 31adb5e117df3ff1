/**
 * `npm run bench` (issue 6): starts its own local control plane and measures,
 * in this order (each step's reason in docs/benchmarks.md):
 * 1. reconcile.converge_s: the compiled operator (child process) converges N forums
 *    (its VmRSS with 0 forums is sampled first, for memory.rss_mb_per_100_forums);
 * 2. drift.recreate_*: deleted children are recreated (after kube-controller-manager settled);
 * 3. idle.writes_per_resync: one full resync of the converged forums;
 * 4. memory.rss_mb: the operator's VmRSS;
 * 5. drift.during_resync_*: drift trials while a periodic resync is queued; the operator stops;
 * 6. with --shards N: reconcile.sharded_*: N shard processes converge N forums again;
 * 7. webhook.*: autocannon against the operator's webhook and a bare node:https server;
 * 8. admission.added_*: dry-run creates through the apiserver, webhooks registered vs not;
 * 9. reconcile.floor_s: the same objects from a plain parallel client, no operator;
 *    the control plane stops (it has no scheduler or nodes: pods stay Pending);
 * 10. reconcile.ready_s: on a second control plane that runs workloads (scheduler,
 *    KWOK's simulated nodes), a fresh operator brings M forums to Ready.
 * Prints a table and writes `.bench/latest.json` (the keys, flat and
 * dotted) and `.bench/latest.detail.json` (machine, raw samples, per-mode latencies).
 *
 * Usage: npm run bench [-- --instances N] [--drift-trials N] [--duration S] [--shards N] [--admission-rounds N] [--ready-instances M]
 */
import { mkdirSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "../src/envtest/binaries.js";
import { measureAdmission } from "./admission.js";
import { parseArgs } from "./args.js";
import { ChildWatcher } from "./child-watcher.js";
import { startBenchCluster, type BenchCluster } from "./cluster.js";
import { measureDrift } from "./drift.js";
import { measureDriftDuringResync } from "./drift-during-resync.js";
import { measureIdle } from "./idle.js";
import { measureReady } from "./ready.js";
import { measureMemory, sampleRss } from "./memory.js";
import { cpuMeter } from "./cpu.js";
import { eventReasons, requestMeter } from "./requests.js";
import { compileOperator, startOperator, type OperatorProcess } from "./operator-process.js";
import { createSecrets, measureConverge, measureFloor, planForums } from "./reconcile.js";
import { KEYS, rounded, table, writeJson, type Figures } from "./report.js";
import { settle } from "./settle.js";
import { measureSharded } from "./shards.js";
import { round } from "./stats.js";
import { measureWebhook } from "./webhook.js";
import { startBenchWebhook, type BenchWebhook } from "./webhook-server.js";

const OUT = join(REPO_ROOT, ".bench");
const RESYNC_PERIOD_S = 30;
/** A converge (or floor) run gives up after 10 minutes, or 600 ms per forum when that is longer (2,000 forums: 20 minutes). */
function convergeTimeoutMs(instances: number): number {
  return Math.max(10 * 60_000, instances * 600);
}

/**
 * The longest wait for kube-controller-manager to finish a fleet's Pods and claims: 300 ms
 * per forum, at least 3 minutes (at its default 20 requests/s, 2,000 forums' StatefulSets
 * need 8,000 creates of claims and Pods, and the operator adopts each claim).
 */
function settleMs(instances: number): number {
  return Math.max(180_000, instances * 300);
}

const t00 = performance.now();
function step(text: string): void {
  console.log(`[bench ${round((performance.now() - t00) / 1000, 1)}s] ${text}`);
}

interface Running {
  cluster?: BenchCluster;
  operator?: OperatorProcess;
  webhook?: BenchWebhook;
  watcher?: ChildWatcher;
}

async function operatorPhase(r: Running, cluster: BenchCluster, instances: number, driftTrials: number, detail: Record<string, unknown>): Promise<Partial<Figures>> {
  const ns = await cluster.namespace("bench-operator");
  const { forums, keys } = planForums(instances, ns);
  await createSecrets(cluster, ns, forums);
  r.operator = await startOperator({ kubeconfigPath: cluster.plane.kubeconfigPath, namespace: ns, resyncPeriodS: RESYNC_PERIOD_S, logPath: join(OUT, "operator.log") });
  const emptyRss = await sampleRss(r.operator);
  step(`operator ready (pid ${r.operator.pid}, ${round(emptyRss)} MiB with 0 forums); converging ${instances} forums (${keys.length} children)`);
  const cpu = cpuMeter(cluster.plane.pids, { operator: r.operator.pid });
  const requests = await requestMeter(cluster);
  const converge = await measureConverge(cluster, ns, forums, keys, convergeTimeoutMs(instances));
  detail.cpuSecondsConverge = cpu();
  detail.requestsConverge = await requests();
  detail.eventsAfterConverge = await eventReasons(cluster, ns);
  step(`converged in ${round(converge)} s; waiting for kube-controller-manager to settle`);
  detail.podsAfterConverge = await settle(cluster, ns, 6000, settleMs(instances));
  r.watcher = await ChildWatcher.start(cluster.kc, ns);
  await r.watcher.waitForAll(keys, convergeTimeoutMs(instances));
  step(`drift: ${driftTrials} trials`);
  const drift = await measureDrift(cluster, r.watcher, ns, { instances, trials: driftTrials, timeoutMs: 30_000 });
  detail.driftSamplesMs = drift.samples.map((s) => round(s, 1));
  step(`idle: waiting for one full resync (period ${RESYNC_PERIOD_S} s)`);
  const idle = await measureIdle(r.operator, { instances, resyncPeriodS: RESYNC_PERIOD_S, quietMs: 3000, settleMs: settleMs(instances) });
  detail.idleReconciles = idle.reconciles;
  const memory = await measureMemory(r.operator, instances, emptyRss);
  // Where the resident memory is: V8's heap (used, and reserved), and memory outside it (buffers, TLS).
  const mib = async (name: string): Promise<number> => round((await r.operator!.counter(name)) / 2 ** 20, 1);
  detail.memoryBreakdownMb = {
    rss: memory["memory.rss_mb"],
    heapUsed: await mib("nodejs_heap_size_used_bytes"),
    heapTotal: await mib("nodejs_heap_size_total_bytes"),
    external: await mib("nodejs_external_memory_bytes"),
  };
  const snapshot = await r.operator.heapSnapshot();
  if (snapshot) step(`heap snapshot: ${snapshot} (npx tsx bench/heap-summary.ts ${snapshot})`);
  step(`drift during a resync: ${driftTrials} trials`);
  const during = await measureDriftDuringResync(cluster, r.watcher, r.operator, ns, { instances, trials: driftTrials, timeoutMs: 30_000, periodS: RESYNC_PERIOD_S });
  detail.driftDuringResyncSamplesMs = during.samples.map((s) => round(s, 1));
  detail.driftDuringResyncQueuedAtStart = during.queuedAtStart;
  detail.driftDuringResyncTimelines = during.timelines;
  if (during.skipped) {
    detail.driftDuringResyncSkipped = during.skipped;
    step(`drift during a resync: not measured (${during.skipped})`);
  }
  r.watcher.stop();
  await r.operator.stop();
  r.operator = undefined;
  return { "reconcile.converge_s": converge, ...drift.figures, ...idle.figures, ...memory, ...during.figures };
}

async function webhookPhase(r: Running, cluster: BenchCluster, durationS: number, admissionRounds: number, detail: Record<string, unknown>): Promise<Partial<Figures>> {
  const ns = await cluster.namespace("bench-webhook");
  r.webhook = await startBenchWebhook(cluster, join(OUT, "webhook.log"));
  step(`webhook: autocannon, ${durationS} s per run`);
  const webhook = await measureWebhook(r.webhook, ns, { durationS, connections: 10, scratchDir: OUT });
  step("admission: dry-run creates, webhooks registered vs unregistered");
  const admission = await measureAdmission(cluster, r.webhook, ns, { rounds: admissionRounds, perRound: 100 });
  detail.admission = admission.detail;
  await r.webhook.close();
  r.webhook = undefined;
  return { ...webhook, ...admission.figures };
}

async function floorPhase(cluster: BenchCluster, instances: number, detail: Record<string, unknown>): Promise<number> {
  const ns = await cluster.namespace("bench-floor");
  const { forums, keys } = planForums(instances, ns);
  await createSecrets(cluster, ns, forums);
  step(`floor: ${keys.length} objects from a plain parallel client`);
  const cpu = cpuMeter(cluster.plane.pids);
  const requests = await requestMeter(cluster);
  const floor = await measureFloor(cluster, ns, forums, keys, convergeTimeoutMs(instances));
  detail.cpuSecondsFloor = cpu();
  detail.requestsFloor = await requests();
  detail.eventsAfterFloor = await eventReasons(cluster, ns);
  return floor;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), process.env);
  mkdirSync(OUT, { recursive: true });
  const r: Running = {};
  const detail: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: round(totalmem() / 2 ** 30, 1), node: process.version },
    args,
  };
  try {
    step("compiling the operator (tsconfig.build.json → .bench/dist)");
    compileOperator();
    // Each phase on a control plane of its own: a phase never runs behind the objects (and the
    // kube-controller-manager's work on them) of the one before, so the floor and the operator
    // meet the same empty apiserver.
    const fresh = async (what: string): Promise<BenchCluster> => {
      await r.cluster?.stop();
      step(`starting a fresh local control plane (${what})`);
      return (r.cluster = await startBenchCluster({ workloads: false }));
    };
    const floor = await floorPhase(await fresh("floor"), args.instances, detail);
    step(`floor: ${round(floor)} s`);
    const op = await operatorPhase(r, await fresh("operator"), args.instances, args.driftTrials, detail);
    let sharded: Partial<Figures> = {};
    if (args.shards > 1) {
      const cluster = await fresh("sharded");
      step(`sharded: ${args.shards} shard processes converge ${args.instances} forums`);
      sharded = await measureSharded(cluster, { instances: args.instances, count: args.shards, resyncPeriodS: RESYNC_PERIOD_S, timeoutMs: convergeTimeoutMs(args.instances), outDir: OUT });
    }
    const wh = await webhookPhase(r, await fresh("webhook"), args.durationS, args.admissionRounds, detail);
    await r.cluster?.stop();
    r.cluster = undefined;
    step(`ready: ${args.readyInstances} forums until Ready, on a control plane with simulated nodes`);
    const ready = await measureReady(args.readyInstances, join(OUT, "operator-ready.log"), convergeTimeoutMs(args.readyInstances));
    step(`ready in ${round(ready["reconcile.ready_s"])} s`);
    const converge = op["reconcile.converge_s"] ?? NaN;
    const shardedConverge = sharded["reconcile.sharded_converge_s"];
    const figures = rounded({
      ...op, ...wh, ...sharded, ...ready,
      "reconcile.instances": args.instances,
      "reconcile.floor_s": floor,
      "reconcile.ratio": converge / floor,
      ...(shardedConverge === undefined ? {} : { "reconcile.sharded_ratio": shardedConverge / floor }),
    } as Figures);
    const ordered = Object.fromEntries(KEYS.filter((k) => figures[k] !== undefined).map((k) => [k, figures[k]]));
    writeJson(join(OUT, "latest.json"), ordered);
    writeJson(join(OUT, "latest.detail.json"), detail);
    step("done");
    console.log(`\n${table(figures)}\n\nwrote .bench/latest.json and .bench/latest.detail.json`);
  } finally {
    r.watcher?.stop();
    await r.operator?.stop();
    await r.webhook?.close();
    await r.cluster?.stop();
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  process.exitCode = 1;
});
