/**
 * What one request of each kind the operator and the floor send costs the control plane:
 * on a fresh local control plane (no operator, no webhooks), N requests of each kind,
 * FORUM_CONCURRENCY at a time, and the CPU seconds kube-apiserver, etcd and
 * kube-controller-manager used meanwhile (bench/cpu.ts), per request. Kinds: the Discourse
 * writes a forum costs beyond the floor (the finalizer, the status), the generated Secret,
 * the Created Event, a claim read that finds nothing, and for scale a ConfigMap and the
 * server-side apply of a web Deployment. Prints a table; writes nothing.
 *
 * Usage: npx tsx bench/request-cost.ts   (BENCH_REQUESTS=N, default 400)
 */
import { GROUP, PLURAL, VERSION } from "../src/api/constants.js";
import { expectStatus, startBenchCluster } from "./cluster.js";
import { cpuMeter } from "./cpu.js";
import { forumName, forumObject, webDeployment } from "./forums.js";
import { runPool } from "./pool.js";
import { applyChild, FORUM_CONCURRENCY } from "./reconcile.js";

const N = Number(process.env.BENCH_REQUESTS ?? 400);
const MERGE = "application/merge-patch+json";

/** A status such as the reconciler writes for a new forum (API.md: phase and four conditions). */
function status(i: number): object {
  const conditions = ["Ready", "Progressing", "Degraded", "DatabaseReady"].map((type) => ({
    type,
    status: type === "Progressing" ? "True" : "False",
    reason: "WaitingForDatabase",
    message: "the first migration waits for the managed database to become ready",
    lastTransitionTime: "2026-12-03T09:00:00Z",
    observedGeneration: 1,
  }));
  return { status: { observedGeneration: 1, phase: "Provisioning", hostname: `forum-${i}.bench.example.org`, conditions } };
}

const cluster = await startBenchCluster({ workloads: false });
try {
  const ns = await cluster.namespace("bench-request-cost");
  const discourses = `/apis/${GROUP}/${VERSION}/namespaces/${ns}/${PLURAL}`;
  const names = Array.from({ length: N }, (_, i) => forumName(i));
  const versions = new Map<string, string>();
  const rows: string[][] = [];
  const measure = async (what: string, send: (name: string, i: number) => Promise<void>): Promise<void> => {
    const cpu = cpuMeter(cluster.plane.pids);
    await runPool(names.map((name, i) => ({ name, i })), FORUM_CONCURRENCY, ({ name, i }) => send(name, i));
    const used = cpu();
    const ms = (process: string): string => (((used[process] ?? 0) * 1000) / N).toFixed(2);
    rows.push([what, ms("kube-apiserver"), ms("etcd"), ms("kube-controller")]);
  };
  await measure("POST discourses", async (name) => {
    const res = await cluster.api("POST", `${discourses}?fieldManager=bench`, forumObject(name, ns));
    expectStatus(res, [201], `creating Discourse ${name}`);
    versions.set(name, (res.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion);
  });
  await measure("PATCH discourses (the finalizer)", async (name) => {
    const patch = { metadata: { finalizers: ["discourse.cern/finalizer"], resourceVersion: versions.get(name) } };
    expectStatus(await cluster.api("PATCH", `${discourses}/${name}`, patch, MERGE), [200], `the finalizer of ${name}`);
  });
  await measure("PATCH discourses/status", async (name, i) => {
    expectStatus(await cluster.api("PATCH", `${discourses}/${name}/status`, status(i), MERGE), [200], `the status of ${name}`);
  });
  await measure("GET discourses", async (name) => {
    expectStatus(await cluster.api("GET", `${discourses}/${name}`), [200], `reading ${name}`);
  });
  await measure("POST secrets", async (name) => {
    const secret = { apiVersion: "v1", kind: "Secret", metadata: { name: `${name}-app-secrets` }, stringData: { secret_key_base: "0".repeat(128) } };
    expectStatus(await cluster.api("POST", `/api/v1/namespaces/${ns}/secrets`, secret), [201], `the Secret of ${name}`);
  });
  await measure("POST events", async (name) => {
    const event = {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: `${name}.created` },
      involvedObject: { apiVersion: `${GROUP}/${VERSION}`, kind: "Discourse", namespace: ns, name },
      reason: "Created",
      message: `created Secret ${name}-app-secrets, ConfigMap ${name}-env, ConfigMap ${name}-postgresql-init, PersistentVolumeClaim ${name}-uploads, …`,
      type: "Normal",
      source: { component: "discourse-operator" },
      firstTimestamp: "2026-12-03T09:00:00Z",
      lastTimestamp: "2026-12-03T09:00:00Z",
      count: 1,
    };
    expectStatus(await cluster.api("POST", `/api/v1/namespaces/${ns}/events`, event), [201], `the Event of ${name}`);
  });
  await measure("GET persistentvolumeclaims (absent)", async (name) => {
    expectStatus(await cluster.api("GET", `/api/v1/namespaces/${ns}/persistentvolumeclaims/data-${name}-postgresql-0`), [404], `reading the claim of ${name}`);
  });
  await measure("POST configmaps (1 KB)", async (name) => {
    const cm = { apiVersion: "v1", kind: "ConfigMap", metadata: { name }, data: { text: "x".repeat(1000) } };
    expectStatus(await cluster.api("POST", `/api/v1/namespaces/${ns}/configmaps`, cm), [201], `ConfigMap ${name}`);
  });
  await measure("PATCH configmaps (a label)", async (name) => {
    expectStatus(await cluster.api("PATCH", `/api/v1/namespaces/${ns}/configmaps/${name}`, { metadata: { labels: { a: "b" } } }, MERGE), [200], `ConfigMap ${name}`);
  });
  await measure("server-side apply: web Deployment", (name) => applyChild(cluster, ns, webDeployment(name, ns)));
  const header = ["request", "kube-apiserver ms", "etcd ms", "kube-controller-manager ms"];
  console.log(`CPU per request (${N} of each, ${FORUM_CONCURRENCY} at a time):`);
  for (const r of [header, ...rows]) console.log(`${r[0]!.padEnd(40)} ${r.slice(1).map((v) => v.padStart(28)).join("")}`);
} finally {
  await cluster.stop();
}
