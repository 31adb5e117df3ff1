import { expect } from "chai";
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { env, installCrd, newNamespace } from "../../hooks/control-plane.js";
import type { KubeObject } from "../../../reconciler/client/kube-client.js";
import { apply, credentialsSecret, discourseManifest, getObj, kubectlOk, reader, runReconciler, SAMPLE_FORUMS, settle, waitFor, waitForPhase, type Running } from "./helpers.js";

async function names(apiVersion: string, kind: string, ns: string): Promise<string[]> {
  const list = await reader().list(apiVersion, kind, { namespace: ns, labelSelector: "app.kubernetes.io/managed-by=discourse-operator" });
  return list.items.map((o: KubeObject) => o.metadata.name).sort();
}

describe("reconciler: killed mid-reconcile, then restarted", function () {
  let r: Running | undefined;
  after(async () => r?.handle.stop());

  it("converges with nothing duplicated or lost", async function () {
    this.timeout(180_000);
    await installCrd();
    const ns = await newNamespace("rec-kill");
    const child = spawn(process.execPath, ["--import", "tsx", "test/integration/reconciler/run-reconciler.ts", env().kubeconfigPath, ns], { stdio: ["ignore", "pipe", "inherit"] });
    const lines = createInterface({ input: child.stdout });
    const ready = new Promise<void>((resolve) => lines.on("line", (l) => l.includes('"ready"') && resolve()));
    const firstCreate = new Promise<string>((resolve) => lines.on("line", (l) => l.includes('"msg":"created ') && resolve(l)));
    await ready;
    await apply(...SAMPLE_FORUMS.map((f) => credentialsSecret(ns, f.name)), ...SAMPLE_FORUMS.map((f) => discourseManifest(ns, f)));
    await firstCreate;
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    const partial = await names("apps/v1", "Deployment", ns);
    expect(partial.length, "the kill left the work unfinished").to.be.below(6);

    r = await runReconciler(ns);
    for (const f of SAMPLE_FORUMS) await waitFor(`${f.name}-sidekiq`, () => getObj("apps/v1", "Deployment", ns, `${f.name}-sidekiq`));
    await settle(r);
    const forums = SAMPLE_FORUMS.map((f) => f.name).sort();
    expect(await names("apps/v1", "Deployment", ns)).to.deep.equal(forums.flatMap((n) => [`${n}-sidekiq`, `${n}-web`]).sort());
    for (const f of forums) await waitForPhase(ns, f, "Running", 120_000);
    await settle(r);
    // one pre- and one post-deployment migration Job per forum: nothing run twice
    const jobs = await reader().list("batch/v1", "Job", { namespace: ns, labelSelector: "app.kubernetes.io/component=migrations" });
    expect(jobs.items.map((j: KubeObject) => `${j.metadata.labels?.["app.kubernetes.io/instance"] ?? ""} ${j.metadata.labels?.["discourse.cern/migration-stage"] ?? ""}`).sort()).to.deep.equal(forums.flatMap((n) => [`${n} post`, `${n} pre`]));
    expect(await names("v1", "PersistentVolumeClaim", ns)).to.include.members(forums.map((n) => `${n}-uploads`));
    for (const f of forums) {
      const dsc = await getObj("discourse.cern/v1alpha1", "Discourse", ns, f);
      expect(dsc?.metadata.finalizers).to.deep.equal(["discourse.cern/finalizer"]);
      expect((dsc?.status as { phase?: string } | undefined)?.phase).to.equal("Running");
    }
    const writes = r.handle.writeRequests();
    r.handle.resyncNow();
    await settle(r, 800);
    expect(r.handle.writeRequests()).to.equal(writes);
  });
});

describe("reconciler: leader election", function () {
  const running: Running[] = [];
  after(async () => {
    for (const x of running) await x.handle.stop();
  });

  it("two reconcilers never both act; the follower takes over when the leader stops or dies", async function () {
    this.timeout(90_000);
    await installCrd();
    const ns = await newNamespace("rec-ha");
    const le = (identity: string) => ({ leaderElection: { enabled: true, namespace: ns, identity, leaseDurationMs: 3000 } });
    const a = await runReconciler(ns, le("a"));
    running.push(a);
    await waitFor("a leads", () => a.handle.isLeader());
    const b = await runReconciler(ns, le("b"));
    running.push(b);
    const f = SAMPLE_FORUMS[1]!;
    await apply(credentialsSecret(ns, f.name), discourseManifest(ns, f));
    await waitForPhase(ns, f.name, "Running", 120_000); // migrated: web has its replicas
    await settle(a);
    expect([a.handle.isLeader(), b.handle.isLeader()]).to.deep.equal([true, false]);
    expect(b.handle.writeRequests(), "the follower wrote").to.equal(0);

    const scaleAndWait = async (who: Running) => {
      await kubectlOk(["scale", `deployment/${f.name}-web`, "-n", ns, "--replicas=5"]);
      await waitFor("replicas back to 1", async () => ((await getObj("apps/v1", "Deployment", ns, `${f.name}-web`))?.spec as { replicas: number }).replicas === 1, 5000);
      await waitFor("log line", () => who.messages().includes(`corrected drift in Deployment ${f.name}-web: spec.replicas 5 → 1`));
    };

    // graceful stop releases the lease: b takes over at once
    await a.handle.stop();
    const t0 = Date.now();
    await waitFor("b leads", () => b.handle.isLeader(), 3000);
    expect(Date.now() - t0).to.be.below(3000);
    await scaleAndWait(b);

    // a leader that dies without releasing: the follower waits for the lease to expire
    const c = await runReconciler(ns, le("c"));
    running.push(c);
    await settle(c, 500);
    expect(c.handle.isLeader()).to.equal(false);
    expect(c.handle.writeRequests()).to.equal(0);
    await b.handle.abort();
    const t1 = Date.now();
    await waitFor("c leads", () => c.handle.isLeader(), 6000);
    expect(Date.now() - t1).to.be.below(6000);
    await scaleAndWait(c);
  });
});
