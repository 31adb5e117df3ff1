import { spawn } from "node:child_process";
import { openSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { startBenchCluster } from "./cluster.js";
import { compileOperator, BUILD_DIR, rssMbOf } from "./operator-process.js";
import { planForums, createSecrets, measureConverge } from "./reconcile.js";
import { shippedNodeOptions } from "./heap-flags.js";
import { freePort } from "../src/envtest/launcher.js";
import { join } from "node:path";
const N = Number(process.env.N ?? 300);
compileOperator();
const cluster = await startBenchCluster({ workloads: false });
try {
  const ns = await cluster.namespace("heap");
  const { forums, keys } = planForums(N, ns);
  await createSecrets(cluster, ns, forums);
  const port = await freePort();
  const log = openSync("/tmp/heap-op.log", "w");
  const child = spawn(process.execPath, [join(BUILD_DIR, "src", "cli.js"), "reconciler", "--kubeconfig", cluster.plane.kubeconfigPath, "--namespace", ns, "--resync-period", "30s", "--metrics-bind-address", `127.0.0.1:${port}`], { cwd: "/tmp", env: { ...process.env, LOG_FORMAT: "json", NODE_OPTIONS: `${shippedNodeOptions()} ${process.env.EXTRA ?? ""}`, ...(process.env.ARENA ? { MALLOC_ARENA_MAX: process.env.ARENA } : {}) }, stdio: ["ignore", log, log] });
  await sleep(5000);
  const s = await measureConverge(cluster, ns, forums, keys, 900_000);
  console.log("converged", s, "rss", rssMbOf(child.pid!));
  await sleep(40_000);
  console.log("rss after resync", rssMbOf(child.pid!));
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  console.log(text.split("\n").filter((l) => /^(nodejs_heap_size|nodejs_external|nodejs_heap_space_size_(used|total)_bytes|process_resident)/.test(l)).join("\n"));
  child.kill("SIGTERM");
  await sleep(2000);
} finally {
  await cluster.stop();
}
