/**
 * The reconciler as the image runs it, in its own process, so its resident
 * memory is its own: compiled with tsconfig.build.json into .bench/dist and
 * started as `node .bench/dist/src/cli.js reconciler` (the tsx loader alone
 * adds about 110 MiB of RSS, which no deployment carries), with the V8 flags
 * the manifests give it (NODE_OPTIONS and the command's flags, bench/heap-flags.ts). Its Prometheus
 * /metrics tells the write requests, reconciles and the work queue's depth.
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, openSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { get } from "node:http";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "../src/envtest/launcher.js";
import { killGroupsNow, startReaper } from "../src/envtest/processes.js";
import { REPO_ROOT } from "../src/envtest/binaries.js";
import { shippedMallocArenaMax, shippedNodeFlags, shippedNodeOptions } from "./heap-flags.js";

export interface OperatorOptions {
  kubeconfigPath: string;
  /** Watch only this namespace. */
  namespace: string;
  /** Full resync period, seconds. */
  resyncPeriodS: number;
  /** Where its log goes. */
  logPath: string;
  /** `--shard <index>/<count>`, when sharded. */
  shard?: string;
}

export interface OperatorProcess {
  pid: number;
  metricsPort: number;
  /** Sum of a counter (or gauge) over its labels, from /metrics; only the samples whose labels include `labels` (e.g. `cause="resync"`). */
  counter(name: string, labels?: string): Promise<number>;
  /** VmRSS of the process, MiB. */
  rssMb(): number;
  /** With BENCH_HEAP_SNAPSHOT=<dir>: writes a heap snapshot there and resolves with its path; otherwise resolves with undefined. */
  heapSnapshot(): Promise<string | undefined>;
  stop(): Promise<void>;
}

function fetchText(port: number, path: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    // A connection per request (no keep-alive): a reused socket that the operator's server closed as
    // idle at that very moment ends in ECONNRESET; one such reset ended a 2,000-forum run.
    get({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    }).on("error", reject);
  });
}

/** Sum of every sample of the counter `name` in Prometheus text (those whose labels include `labels`, when given). */
export function sumCounter(text: string, name: string, labels?: string): number {
  let sum = 0;
  for (const line of text.split("\n")) {
    if (!line.startsWith(name) || (line[name.length] !== "{" && line[name.length] !== " ")) continue;
    if (labels && !line.slice(name.length, line.lastIndexOf(" ")).includes(labels)) continue;
    sum += Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return sum;
}

/** VmRSS of `pid` in MiB, from /proc/<pid>/status. */
export function rssMbOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) / 1024;
}

async function waitReady(child: ChildProcess, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the operator exited with code ${child.exitCode}`);
    const res = await fetchText(port, "/readyz").catch(() => ({ status: 0, text: "" }));
    if (res.status === 200) return;
    if (Date.now() > deadline) throw new Error("the operator was not ready in time");
    await sleep(100);
  }
}

/** Signals `pid` (started with --heapsnapshot-signal=SIGUSR2) and waits until the snapshot it writes in `dir` is complete. */
async function writeHeapSnapshot(pid: number, dir: string): Promise<string> {
  const before = new Set(readdirSync(dir));
  process.kill(pid, "SIGUSR2");
  const deadline = Date.now() + 120_000;
  for (let last = -1; Date.now() < deadline; await sleep(1000)) {
    const file = readdirSync(dir).find((f) => f.endsWith(".heapsnapshot") && !before.has(f));
    if (!file) continue;
    const size = statSync(join(dir, file)).size;
    if (size > 0 && size === last) return join(dir, file);
    last = size;
  }
  throw new Error(`the operator wrote no heap snapshot in ${dir} within 120 s`);
}

/** Where compileOperator puts the build. */
export const BUILD_DIR = join(REPO_ROOT, ".bench", "dist");

/** Compiles the operator (tsc -p tsconfig.build.json) into BUILD_DIR. @throws Error when tsc fails. */
export function compileOperator(): void {
  execFileSync(process.execPath, [join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", join(REPO_ROOT, "tsconfig.build.json"), "--outDir", BUILD_DIR], { cwd: REPO_ROOT, stdio: "inherit" });
}

/** Starts the compiled reconciler and resolves once its informers have listed everything. */
export async function startOperator(opts: OperatorOptions): Promise<OperatorProcess> {
  const metricsPort = await freePort();
  // BENCH_CPU_PROFILE=<dir>: the operator writes a V8 CPU profile there when it stops (node --cpu-prof).
  const profile = process.env.BENCH_CPU_PROFILE ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  // BENCH_HEAP_SNAPSHOT=<dir>: heapSnapshot() makes the operator write a V8 heap snapshot there (SIGUSR2).
  const snapshotDir = process.env.BENCH_HEAP_SNAPSHOT;
  const snapshots = snapshotDir ? ["--heapsnapshot-signal=SIGUSR2", `--diagnostic-dir=${snapshotDir}`] : [];
  // BENCH_ALLOC_PROFILE=<dir>: where the bytes the operator allocates come from (bench/alloc-profile.ts).
  const allocations = process.env.BENCH_ALLOC_PROFILE ? ["--import", "tsx", "--import", join(REPO_ROOT, "bench", "alloc-profile.ts")] : [];
  const args = [
    ...shippedNodeFlags(),
    ...profile,
    ...snapshots,
    ...allocations,
    join(BUILD_DIR, "src", "cli.js"), "reconciler",
    "--kubeconfig", opts.kubeconfigPath,
    "--namespace", opts.namespace,
    "--resync-period", `${opts.resyncPeriodS}s`,
    "--metrics-bind-address", `127.0.0.1:${metricsPort}`,
    ...(opts.shard ? ["--shard", opts.shard] : []),
    // BENCH_CONCURRENCY=<n>: the reconciler's --concurrency (default: the product's own).
    ...(process.env.BENCH_CONCURRENCY ? ["--concurrency", process.env.BENCH_CONCURRENCY] : []),
  ];
  const log = openSync(opts.logPath, "w");
  const env = { ...process.env, LOG_FORMAT: "json", NODE_OPTIONS: shippedNodeOptions(), MALLOC_ARENA_MAX: shippedMallocArenaMax() };
  // Its own process group, ended by a reaper when the benchmark dies however it dies (a
  // `kill` of the benchmark alone left the operator running, reconciling a cluster that was gone).
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ["ignore", log, log], detached: true });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const pid = child.pid ?? 0;
  if (pid <= 0) throw new Error("could not start the operator process");
  const reaperDir = mkdtempSync(join(tmpdir(), "bench-operator-reaper-"));
  const reaper = startReaper(process.pid, [pid], reaperDir);
  // killGroupsNow(0) would be kill(0): this very process group.
  const endReaper = (): void => {
    if (reaper > 0) killGroupsNow([reaper]);
    rmSync(reaperDir, { recursive: true, force: true });
  };
  try {
    await waitReady(child, metricsPort, 60_000);
  } catch (err) {
    child.kill("SIGKILL");
    endReaper();
    throw err;
  }
  return {
    pid,
    metricsPort,
    counter: async (name, labels) => sumCounter((await fetchText(metricsPort, "/metrics")).text, name, labels),
    rssMb: () => rssMbOf(pid),
    heapSnapshot: () => (snapshotDir ? writeHeapSnapshot(pid, snapshotDir) : Promise.resolve(undefined)),
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
      endReaper();
    },
  };
}
