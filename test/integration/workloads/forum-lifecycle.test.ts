/**
 * A forum's whole lifecycle on the local cluster's simulated nodes: the
 * reconciler creates the children, kube-scheduler places the pods on KWOK's
 * nodes, the volume binder binds the claims, KWOK plays the pods (Running and
 * Ready, Job pods Succeeded; test/envtest/kwok/stages.yaml), and the Deployment,
 * StatefulSet, Job and disruption controllers report what happened. No status is
 * written by hand; the one forced failure comes from outside the product (the
 * DISCOURSE_KWOK_FAIL marker that KWOK's job-pod-failed Stage selects).
 * Assertions are about outcomes (Ready, version, images, Jobs succeeded), not
 * about how many migration Jobs the reconciler runs or their names.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { retryOf } from "../../hooks/attempt.js";
import { installCrd, kubectl, newNamespace } from "../../hooks/control-plane.js";
import { REPO_ROOT } from "../../../src/envtest/binaries.js";
import type { KubeObject } from "../../../reconciler/client/kube-client.js";
import { apply, credentialsSecret, getObj, kubectlOk, reader, runReconciler, waitFor, type Running } from "../reconciler/helpers.js";

const DSC = "discourse.cern/v1alpha1";
const SAMPLES = ["root-forum", "marketplace", "eos-community"] as const;

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}
interface ForumStatus {
  phase?: string;
  version?: string;
  readyReplicas?: number;
  conditions?: Condition[];
}
interface PodLike {
  metadata: { name: string; deletionTimestamp?: string; labels?: Record<string, string> };
  spec: { nodeName?: string; containers: { image: string }[]; volumes?: { persistentVolumeClaim?: { claimName: string } }[] };
  status?: { phase?: string };
}

const statusOf = (o: KubeObject | null): ForumStatus => (o?.status ?? {});
const condition = (o: KubeObject | null, type: string): Condition | undefined => statusOf(o).conditions?.find((c) => c.type === type);
const replicasOf = (o: KubeObject | null): number => (o?.spec as { replicas: number }).replicas;
const imageOf = (d: KubeObject | null): string | undefined =>
  (d?.spec as { template: { spec: { containers: { image: string }[] } } } | undefined)?.template.spec.containers[0]?.image;

/** A sample forum from manifests/samples/<name>.yaml. */
function sample(name: string): Record<string, unknown> {
  return parse(readFileSync(join(REPO_ROOT, "manifests", "samples", `${name}.yaml`), "utf8")) as Record<string, unknown>;
}

async function forum(ns: string, name: string): Promise<KubeObject | null> {
  return getObj(DSC, "Discourse", ns, name);
}

/** Waits until the forum is Ready=True at its current generation, phase Running. */
async function ready(ns: string, name: string, timeoutMs = 90_000): Promise<KubeObject> {
  return waitFor(`${name} Ready`, async () => {
    const o = await forum(ns, name);
    const s = o?.status as (ForumStatus & { observedGeneration?: number }) | undefined;
    return condition(o, "Ready")?.status === "True" && s?.phase === "Running" && s.observedGeneration === o?.metadata.generation ? o : null;
  }, timeoutMs, 250);
}

async function pods(ns: string, selector: string): Promise<PodLike[]> {
  const out = await kubectlOk(["get", "pods", "-n", ns, "-l", selector, "-o", "json"]);
  return (JSON.parse(out) as { items: PodLike[] }).items.filter((p) => !p.metadata.deletionTimestamp);
}

const selector = (name: string, component: string): string => `app.kubernetes.io/instance=${name},app.kubernetes.io/component=${component}`;

/** The next patch release: 3.5.2 → 3.5.3. */
const nextPatch = (v: string): string => v.replace(/(\d+)$/, (d) => String(Number(d) + 1));
const tagPattern = (v: string): RegExp => new RegExp(`:${v.replace(/\./g, "\\.")}$`);

async function patch(ns: string, name: string, body: unknown): Promise<void> {
  await kubectlOk(["patch", "dsc", name, "-n", ns, "--type=merge", "-p", JSON.stringify(body)]);
}

/** Polls the phase until `until` holds, returning every distinct phase seen, in order. */
async function phasesUntil(ns: string, name: string, until: (o: KubeObject | null) => boolean, timeoutMs: number): Promise<string[]> {
  const seen: string[] = [];
  await waitFor(`${name}: phases until done`, async () => {
    const o = await forum(ns, name);
    const p = statusOf(o).phase ?? "";
    if (seen[seen.length - 1] !== p) seen.push(p);
    return until(o);
  }, timeoutMs, 100);
  return seen;
}

describe("forum lifecycle on simulated nodes", function () {
  this.timeout(300_000);
  let ns: string;
  let r: Running;

  before(async () => {
    await installCrd();
    ns = await newNamespace("workloads");
    r = await runReconciler(ns, { concurrency: 3 });
    for (const name of SAMPLES) await apply(credentialsSecret(ns, name), { ...sample(name), metadata: { name, namespace: ns } });
  });
  after(async () => {
    await r?.handle.stop();
    // Frees the simulated nodes' capacity for the next test files.
    if (ns) await kubectl(["delete", "namespace", ns, "--wait=false"]);
  });

  it("the three samples reach Ready: phase Running, every web pod ready, DatabaseReady; kubectl wait agrees", async () => {
    for (const name of SAMPLES) {
      const o = await ready(ns, name, 120_000);
      const spec = o.spec as { replicas: number };
      expect(statusOf(o).readyReplicas, `${name} readyReplicas`).to.equal(spec.replicas);
      expect(condition(o, "DatabaseReady")?.status, `${name} DatabaseReady`).to.equal("True");
      expect(condition(o, "Degraded")?.status, `${name} Degraded`).to.equal("False");
      const web = await pods(ns, selector(name, "web"));
      expect(web.map((p) => p.status?.phase), `${name} web pods`).to.deep.equal(Array(spec.replicas).fill("Running"));
      expect(web.every((p) => p.spec.nodeName?.startsWith("kwok-node-")), `${name} web pods on simulated nodes`).to.equal(true);
    }
    const wait = await kubectl(["wait", "--for=condition=Ready", "dsc", "--all", "-n", ns, "--timeout=30s"]);
    expect(wait.code, wait.stderr).to.equal(0);
    expect(wait.stdout.trim().split("\n")).to.have.length(3);
    const table = await kubectlOk(["get", "dsc", "-n", ns]);
    expect(table).to.match(/READY/);
    for (const name of SAMPLES) expect(table).to.match(new RegExp(`^${name}\\s.*\\bTrue\\b`, "m"));
  });

  it("every claim is bound by the default StorageClass's provisioner", async () => {
    const claims = JSON.parse(await kubectlOk(["get", "pvc", "-n", ns, "-o", "json"])) as { items: { metadata: { name: string }; spec: { storageClassName?: string }; status: { phase: string } }[] };
    expect(claims.items.length).to.be.greaterThan(0);
    for (const c of claims.items) expect([c.metadata.name, c.status.phase]).to.deep.equal([c.metadata.name, "Bound"]);
  });

  it("an upgrade completes: migrations succeed, web and sidekiq roll to the new image, version changes, Upgrading → Running", async () => {
    const name = "marketplace";
    const from = statusOf(await forum(ns, name)).version ?? "";
    const to = nextPatch(from);
    expect(from).to.match(/^\d+\.\d+\.\d+$/);
    await patch(ns, name, { spec: { version: to } });
    const seen = await phasesUntil(ns, name, (o) => statusOf(o).version === to && condition(o, "Ready")?.status === "True" && statusOf(o).phase === "Running", 120_000);
    expect(seen, "phases seen").to.include("Upgrading");
    expect(seen[seen.length - 1]).to.equal("Running");
    const o = await ready(ns, name);
    expect(statusOf(o).readyReplicas).to.equal(replicasOf(o));
    for (const component of ["web", "sidekiq"]) {
      expect(imageOf(await getObj("apps/v1", "Deployment", ns, `${name}-${component}`)), `${component} image`).to.match(tagPattern(to));
      const running = await waitFor(`${component} pods all on ${to}`, async () => {
        const ps = await pods(ns, selector(name, component));
        return ps.length > 0 && ps.every((p) => tagPattern(to).test(p.spec.containers[0]?.image ?? "") && p.status?.phase === "Running") ? ps : null;
      });
      expect(running.length).to.be.greaterThan(0);
    }
    const jobs = JSON.parse(await kubectlOk(["get", "jobs", "-n", ns, "-l", selector(name, "migrations"), "-o", "json"])) as {
      items: { spec: { template: { spec: { containers: { image: string }[] } } }; status: { succeeded?: number } }[];
    };
    const migrated = jobs.items.filter((j) => tagPattern(to).test(j.spec.template.spec.containers[0]?.image ?? ""));
    expect(migrated.length, `migration Jobs of ${to}`).to.be.greaterThan(0);
    expect(migrated.every((j) => (j.status.succeeded ?? 0) >= 1), `every migration Job of ${to} succeeded`).to.equal(true);
  });

  it("a failing migration: Degraded MigrationFailed and an Event, the old version keeps serving; fixed spec recovers", async function () {
    const name = "eos-community";
    // a retry first undoes what the failed attempt may have left (the marker), then upgrades from where the forum is
    const retry = retryOf(this) > 0;
    if (retry) await patch(ns, name, { spec: { env: [] } });
    const from = statusOf(retry ? await ready(ns, name, 120_000) : await forum(ns, name)).version ?? "";
    const to = nextPatch(from);
    expect(from).to.match(/^\d+\.\d+\.\d+$/);
    const replicas = replicasOf(await forum(ns, name));
    // KWOK's job-pod-failed Stage fails pods of Jobs whose container env names DISCOURSE_KWOK_FAIL.
    // Only valueFrom entries reach the container env (literal values go to the ConfigMap), hence the ConfigMap.
    await apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "kwok-markers", namespace: ns }, data: { fail: "true" } });
    const marker = { name: "DISCOURSE_KWOK_FAIL", valueFrom: { configMapKeyRef: { name: "kwok-markers", key: "fail" } } };
    await patch(ns, name, { spec: { version: to, env: [marker] } });
    // The Job controller retries the failed pod with backoff (10 s, 20 s, 40 s) up to backoffLimit.
    const degraded = await waitFor("Degraded MigrationFailed", async () => {
      const o = await forum(ns, name);
      return condition(o, "Degraded")?.reason === "MigrationFailed" ? o : null;
    }, 180_000, 500);
    expect(condition(degraded, "Degraded")?.status).to.equal("True");
    expect(statusOf(degraded).version, "status.version stays the old one").to.equal(from);
    expect(statusOf(degraded).phase).to.equal("Degraded");
    expect(imageOf(await getObj("apps/v1", "Deployment", ns, `${name}-web`))).to.match(tagPattern(from));
    const serving = await pods(ns, selector(name, "web"));
    expect(serving.filter((p) => p.status?.phase === "Running" && tagPattern(from).test(p.spec.containers[0]?.image ?? "")).length, "old web pods serving").to.equal(replicas);
    await patch(ns, name, { spec: { env: [] } });
    const fixed = await waitFor(`recovered on ${to}`, async () => {
      const o = await forum(ns, name);
      return statusOf(o).version === to && condition(o, "Ready")?.status === "True" && condition(o, "Degraded")?.status === "False" && statusOf(o).phase === "Running" ? o : null;
    }, 120_000, 500);
    expect(statusOf(fixed).phase).to.equal("Running");
    expect(imageOf(await getObj("apps/v1", "Deployment", ns, `${name}-web`))).to.match(tagPattern(to));
    const events = JSON.parse(await kubectlOk(["get", "events", "-n", ns, "-o", "json", "--field-selector", `involvedObject.name=${name},reason=MigrationFailed`])) as { items: { type: string }[] };
    expect(events.items.map((e) => e.type), "MigrationFailed Events").to.include("Warning");
  });

  it("scaling changes readyReplicas, and the PodDisruptionBudget reports its allowed disruptions", async function () {
    const name = "root-forum"; // 3 web pods, uploads ReadWriteMany
    if (retryOf(this) > 0) await patch(ns, name, { spec: { replicas: 3 } }); // what the failed attempt may have left
    const pdbStatus = (want: number) => async () => {
      const p = await getObj("policy/v1", "PodDisruptionBudget", ns, `${name}-web`);
      const s = p?.status as { currentHealthy?: number; expectedPods?: number; disruptionsAllowed?: number } | undefined;
      return s?.expectedPods === want && s.currentHealthy === want ? s : null;
    };
    expect((await waitFor("PDB of 3", pdbStatus(3), 30_000)).disruptionsAllowed, "maxUnavailable 1 of 3 healthy").to.equal(1);
    await patch(ns, name, { spec: { replicas: 4 } });
    const o = await waitFor("4 ready", async () => {
      const f = await forum(ns, name);
      return statusOf(f).readyReplicas === 4 && condition(f, "Ready")?.status === "True" ? f : null;
    }, 60_000);
    expect(statusOf(o).phase).to.equal("Running");
    expect((await waitFor("PDB of 4", pdbStatus(4), 30_000)).disruptionsAllowed, "maxUnavailable 1 of 4 healthy").to.equal(1);
    await patch(ns, name, { spec: { replicas: 3 } });
    await waitFor("3 ready", async () => statusOf(await forum(ns, name)).readyReplicas === 3 && condition(await forum(ns, name), "Ready")?.status === "True", 60_000);
  });

  it("replicas: 0 stops the forum: no web or sidekiq pod is left (Ready False, ScaledToZero); back to 1 it is Ready again", async function () {
    const name = "marketplace"; // 1 web pod, 1 sidekiq pod (manifests/samples/marketplace.yaml)
    if (retryOf(this) > 0) await patch(ns, name, { spec: { replicas: 1 } }); // what the failed attempt may have left
    await ready(ns, name);
    await patch(ns, name, { spec: { replicas: 0 } });
    await waitFor("no web or sidekiq pod", async () => {
      const left = [...(await pods(ns, selector(name, "web"))), ...(await pods(ns, selector(name, "sidekiq")))];
      return left.length === 0;
    }, 60_000);
    for (const d of [`${name}-web`, `${name}-sidekiq`]) expect(replicasOf(await getObj("apps/v1", "Deployment", ns, d)), d).to.equal(0);
    const stopped = await waitFor("Ready False, ScaledToZero", async () => {
      const f = await forum(ns, name);
      return condition(f, "Ready")?.reason === "ScaledToZero" ? f : null;
    }, 30_000);
    expect(condition(stopped, "Ready")?.status).to.equal("False");
    await patch(ns, name, { spec: { replicas: 1 } });
    const back = await ready(ns, name);
    expect(statusOf(back).readyReplicas).to.equal(1);
    expect(await pods(ns, selector(name, "sidekiq"))).to.have.length(1);
  });

  it("ReadWriteMany uploads: the web pods spread over nodes", async () => {
    const name = "root-forum"; // 3 replicas, uploads ReadWriteMany (manifests/samples/root-forum.yaml)
    const web = await pods(ns, selector(name, "web"));
    expect(web).to.have.length(3);
    expect(new Set(web.map((p) => p.spec.nodeName)).size, "nodes used by 3 web pods").to.be.greaterThan(1);
  });

  it("ReadWriteOnce uploads: every pod that mounts the volume lands on one node", async function () {
    const name = "rwo-forum";
    await apply(credentialsSecret(ns, name), {
      apiVersion: DSC,
      kind: "Discourse",
      metadata: { name, namespace: ns },
      spec: { hostname: "rwo-forum.web.cern.ch", developerEmails: ["rwo@cern.ch"], category: "personal", replicas: 2, storage: { uploads: { size: "1Gi", accessMode: "ReadWriteOnce" } } },
    });
    await ready(ns, name, 120_000);
    const claim = `${name}-uploads`;
    const all = (await pods(ns, `app.kubernetes.io/instance=${name}`)).filter((p) => p.spec.volumes?.some((v) => v.persistentVolumeClaim?.claimName === claim));
    expect(all.length, "web and sidekiq pods mounting the uploads claim").to.be.greaterThan(2);
    expect([...new Set(all.map((p) => p.spec.nodeName))], "nodes of the pods mounting a ReadWriteOnce claim").to.have.length(1);
  });

  it("a pod deleted by hand comes back through its Deployment, and the forum is Ready again", async () => {
    const name = "root-forum";
    const before = await pods(ns, selector(name, "web"));
    const victim = before[0]!.metadata.name;
    await kubectlOk(["delete", "pod", victim, "-n", ns, "--wait=false"]);
    const after = await waitFor("replacement web pod running", async () => {
      const ps = await pods(ns, selector(name, "web"));
      return ps.length === 3 && !ps.some((p) => p.metadata.name === victim) && ps.every((p) => p.status?.phase === "Running") ? ps : null;
    }, 30_000);
    expect(after).to.have.length(3);
    const o = await ready(ns, name, 30_000);
    expect(statusOf(o).readyReplicas).to.equal(3);
    expect(r.lines.filter((l) => l.level === 50), "reconciler errors").to.deep.equal([]);
    expect(await reader().get({ apiVersion: "apps/v1", kind: "Deployment", namespace: ns, name: `${name}-web` })).to.not.equal(null);
  });
});
