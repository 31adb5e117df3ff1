/**
 * Migrations on the simulated nodes (KWOK, test/envtest/kwok/stages.yaml): the cluster runs
 * the Jobs and the pods, so the order of a forum's lifecycle is checked from the objects'
 * own timestamps and status, never written by hand. Failures come from outside the product:
 * the markers DISCOURSE_KWOK_FAIL (a Job's pod exits 1) and DISCOURSE_KWOK_NOT_READY (a pod
 * never becomes ready, so a Job never ends), set as `spec.env` entries with `valueFrom`.
 */
import { expect } from "chai";
import { attemptName, retryOf } from "../../hooks/attempt.js";
import { installCrd, newNamespace } from "../../hooks/control-plane.js";
import type { KubeObject } from "../../../reconciler/client/kube-client.js";
import { DEFAULT_DISCOURSE_VERSION } from "../../../src/api/constants.js";
import { apply, credentialsSecret, discourseManifest, getObj, kubectlOk, runReconciler, settle, waitFor, waitForPhase, type Running } from "./helpers.js";

const DSC = "discourse.cern/v1alpha1";
const MARKERS = "kwok-markers";

interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime?: string;
}
interface Status {
  phase?: string;
  version?: string;
  revision?: string;
  readyReplicas?: number;
  conditions?: Condition[];
}
const statusOf = (o: KubeObject | null): Status => (o?.status ?? {});
const condition = (o: KubeObject | null, type: string): Condition | undefined => statusOf(o).conditions?.find((c) => c.type === type);
const time = (t: string | undefined): number => (t ? Date.parse(t) : NaN);
const stage = (j: KubeObject): string | undefined => j.metadata.labels?.["discourse.cern/migration-stage"];

/** An env entry that marks a pod for a KWOK Stage; a literal would go to `<name>-env`, not to the pod. */
const marker = (name: string): Record<string, unknown> => ({ name, valueFrom: { configMapKeyRef: { name: MARKERS, key: "on" } } });

describe("reconciler: migrations on simulated nodes", function () {
  let ns: string;
  let r: Running;

  before(async function () {
    await installCrd();
    ns = await newNamespace("rec-migrate");
    r = await runReconciler(ns);
    await apply({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: MARKERS, namespace: ns }, data: { on: "1" } });
  });
  after(async () => r?.handle.stop());

  const list = async (kind: string, name: string, component: string): Promise<KubeObject[]> =>
    (JSON.parse(await kubectlOk(["get", kind, "-n", ns, "-l", `app.kubernetes.io/instance=${name},app.kubernetes.io/component=${component}`, "-o", "json"])) as { items: KubeObject[] }).items;
  const jobs = (name: string): Promise<KubeObject[]> => list("jobs", name, "migrations");
  const webPods = async (name: string): Promise<KubeObject[]> => (await list("pods", name, "web")).filter((p) => !p.metadata.deletionTimestamp);
  const image = (o: KubeObject): string | undefined => (o.spec as { containers?: { image?: string }[] }).containers?.[0]?.image;
  const readySince = (pod: KubeObject): number => time(((pod.status as { conditions?: Condition[] }).conditions ?? []).find((c) => c.type === "Ready" && c.status === "True")?.lastTransitionTime);
  const completed = (job: KubeObject): number => time((job.status as { completionTime?: string }).completionTime);

  /** Phases the Discourse goes through until `stop()`. */
  function watchPhases(name: string): { stop(): string[] } {
    const seen: string[] = [];
    let on = true;
    void (async () => {
      while (on) {
        const p = statusOf(await getObj(DSC, "Discourse", ns, name).catch(() => null)).phase;
        if (p && seen[seen.length - 1] !== p) seen.push(p);
        await new Promise((res) => setTimeout(res, 100));
      }
    })();
    return { stop: () => ((on = false), seen) };
  }

  /** Waits until `name` runs `version` (or the revision differs from `notRevision`), phase Running. */
  async function running(name: string, want: { version?: string; notRevision?: string }, timeoutMs = 90_000): Promise<KubeObject> {
    return waitFor(`${name} Running ${JSON.stringify(want)}`, async () => {
      const o = await waitForPhase(ns, name, "Running", timeoutMs);
      const s = statusOf(o);
      if (want.version && s.version !== want.version) return null;
      if (want.notRevision && s.revision === want.notRevision) return null;
      return o;
    }, timeoutMs, 200);
  }

  /**
   * The forum an upgrade test changes: "fresh" (made by the test before) on the first attempt;
   * on a retry a forum of its own, Running at the default version, since the failed attempt
   * may have left "fresh" anywhere (retries in .mocharc.integration.json).
   */
  async function forumFor(ctx: Mocha.Context, retryBase: string): Promise<string> {
    if (retryOf(ctx) === 0) return "fresh";
    const name = attemptName(ctx, retryBase);
    ctx.timeout(ctx.timeout() + 90_000); // the new forum's first migration comes first
    await apply(credentialsSecret(ns, name), discourseManifest(ns, { name, spec: { hostname: `${name}.web.cern.ch`, developerEmails: ["a@cern.ch"] } }));
    await running(name, { version: DEFAULT_DISCOURSE_VERSION });
    return name;
  }

  it("before its first migration succeeded, no web or sidekiq pod runs; a spec change then makes no second Job", async function () {
    this.timeout(60_000);
    // external backends: no gate waits; the marker keeps the migration pod from ever ending
    const spec = { hostname: "held.web.cern.ch", developerEmails: ["a@cern.ch"], database: { host: "db.example.org" }, redis: { host: "redis.example.org" }, env: [marker("DISCOURSE_KWOK_NOT_READY")] };
    await apply(credentialsSecret(ns, "held"), discourseManifest(ns, { name: "held", spec }));
    const [job] = await waitFor("the pre-deployment migration Job", async () => ((await jobs("held")).length > 0 ? jobs("held") : null));
    expect(job?.metadata.name).to.match(new RegExp(`^held-migrate-${DEFAULT_DISCOURSE_VERSION.replace(/\./g, "-")}-[0-9a-f]{8}-pre$`));
    const container = (job?.spec as { template: { spec: { containers: { command: string[]; env: { name: string; value?: string }[] }[] } } }).template.spec.containers[0];
    expect(container?.command).to.deep.equal(["bundle", "exec", "rake", "db:migrate"]);
    expect(container?.env).to.deep.include({ name: "SKIP_POST_DEPLOYMENT_MIGRATIONS", value: "1" });
    const dsc = await waitFor("Provisioning", async () => {
      const o = await getObj(DSC, "Discourse", ns, "held");
      return statusOf(o).phase === "Provisioning" && condition(o, "Progressing")?.reason === "PreDeploymentMigration" ? o : null;
    });
    expect([condition(dsc, "Ready")?.reason, statusOf(dsc).version]).to.deep.equal(["NotMigrated", undefined]);
    for (const d of ["held-web", "held-sidekiq"]) expect(((await getObj("apps/v1", "Deployment", ns, d))?.spec as { replicas: number }).replicas, d).to.equal(0);
    expect(await list("pods", "held", "web")).to.deep.equal([]);

    await kubectlOk(["patch", "dsc", "held", "-n", ns, "--type=merge", "-p", JSON.stringify({ spec: { env: [marker("DISCOURSE_KWOK_NOT_READY"), { name: "DISCOURSE_MAX_REQS_PER_IP_MODE", value: "warn" }] } })]);
    await waitFor("waiting for the running Job", async () => {
      const o = await getObj(DSC, "Discourse", ns, "held");
      return condition(o, "Progressing")?.message.startsWith(`waiting for migration Job ${job?.metadata.name ?? ""} to end`);
    });
    await settle(r);
    expect((await jobs("held")).map((j) => [j.metadata.name, j.metadata.uid])).to.deep.equal([[job?.metadata.name, job?.metadata.uid]]);
  });

  it("a new forum runs its pre-deployment migration before web starts, the post-deployment one once web is ready, and reaches Ready", async function () {
    this.timeout(120_000);
    await apply(credentialsSecret(ns, "fresh"), discourseManifest(ns, { name: "fresh", spec: { hostname: "fresh.web.cern.ch", developerEmails: ["a@cern.ch"] } }));
    const dsc = await waitForPhase(ns, "fresh", "Running", 90_000);
    const s = statusOf(dsc);
    expect([s.version, s.readyReplicas, condition(dsc, "Ready")?.status, condition(dsc, "Progressing")?.reason]).to.deep.equal([DEFAULT_DISCOURSE_VERSION, 1, "True", "Complete"]);
    expect(s.revision).to.match(/^[0-9a-f]{12}$/);
    const all = await jobs("fresh");
    expect(all.map(stage).sort()).to.deep.equal(["post", "pre"]);
    const pre = all.find((j) => stage(j) === "pre")!;
    const post = all.find((j) => stage(j) === "post")!;
    expect([pre, post].map((j) => j.metadata.labels?.["discourse.cern/revision"])).to.deep.equal([s.revision, s.revision]);
    const pods = await webPods("fresh");
    expect(pods).to.have.length(1);
    expect(time(pods[0]!.metadata.creationTimestamp), "web started after the pre-deployment migration ended").to.be.at.least(completed(pre));
    expect(time(post.metadata.creationTimestamp), "post-deployment migration after web was ready").to.be.at.least(readySince(pods[0]!));
  });

  it("an upgrade runs the pre-deployment migration while the old version serves, rolls, then runs the post-deployment migration", async function () {
    this.timeout(150_000);
    const name = await forumFor(this, "upgraded");
    const before = statusOf(await getObj(DSC, "Discourse", ns, name));
    const oldJobs = (await jobs(name)).map((j) => j.metadata.name);
    const phases = watchPhases(name);
    await kubectlOk(["patch", "dsc", name, "-n", ns, "--type=merge", "-p", '{"spec":{"version":"2026.1.2"}}']);
    const dsc = await running(name, { version: "2026.1.2" });
    expect(phases.stop()).to.include("Upgrading");
    expect(statusOf(dsc).revision).to.not.equal(before.revision);
    const now = await waitFor("the old revision's Jobs deleted", async () => {
      const js = await jobs(name);
      return js.some((j) => oldJobs.includes(j.metadata.name)) ? null : js;
    });
    const pre = now.find((j) => stage(j) === "pre")!;
    const post = now.find((j) => stage(j) === "post")!;
    expect([pre, post].map((j) => j.metadata.labels?.["discourse.cern/version"])).to.deep.equal(["2026.1.2", "2026.1.2"]);
    const pods = await webPods(name);
    expect(pods.map(image)).to.deep.equal(["docker.io/discourse/discourse:2026.1.2"]);
    expect(time(pods[0]!.metadata.creationTimestamp), "new pods after the pre-deployment migration").to.be.at.least(completed(pre));
    expect(time(post.metadata.creationTimestamp), "post-deployment migration once the new pods were ready").to.be.at.least(readySince(pods[0]!));
  });

  it("a plugin added at the same version is new code: it migrates again", async function () {
    this.timeout(150_000);
    const name = await forumFor(this, "plugged");
    const before = statusOf(await getObj(DSC, "Discourse", ns, name));
    await kubectlOk(["patch", "dsc", name, "-n", ns, "--type=merge", "-p", '{"spec":{"plugins":[{"name":"discourse-reactions","repository":"https://github.com/discourse/discourse-reactions"}]}}']);
    const dsc = await running(name, { notRevision: before.revision ?? "" });
    const s = statusOf(dsc);
    expect(s.version).to.equal(before.version);
    const all = await jobs(name);
    expect(all.filter((j) => j.metadata.labels?.["discourse.cern/revision"] === s.revision).map(stage).sort()).to.deep.equal(["post", "pre"]);
    const pods = await webPods(name);
    expect(pods.map((p) => ((p.spec as { initContainers?: { name: string }[] }).initContainers ?? []).map((c) => c.name))).to.deep.equal([["plugin-0-discourse-reactions", "assets"]]);
  });

  it("a failed migration: Degraded (MigrationFailed), one Event, the old version serving; a fixed spec makes a new attempt", async function () {
    this.timeout(240_000);
    const name = await forumFor(this, "failing");
    const before = statusOf(await getObj(DSC, "Discourse", ns, name));
    await kubectlOk(["patch", "dsc", name, "-n", ns, "--type=merge", "-p", JSON.stringify({ spec: { version: "2026.1.3", env: [marker("DISCOURSE_KWOK_FAIL")] } })]);
    // the Job controller retries backoffLimit (3) times, 10 s, 20 s, 40 s apart
    const failed = await waitFor("MigrationFailed", async () => {
      const o = await getObj(DSC, "Discourse", ns, name);
      return condition(o, "Degraded")?.reason === "MigrationFailed" ? o : null;
    }, 180_000, 500);
    const job = (await jobs(name)).find((j) => stage(j) === "pre" && j.metadata.labels?.["discourse.cern/version"] === "2026.1.3")!;
    expect(statusOf(failed).phase).to.equal("Degraded");
    expect(condition(failed, "Degraded")?.message).to.include(`Job ${job.metadata.name} `);
    expect([statusOf(failed).version, statusOf(failed).revision]).to.deep.equal([before.version, before.revision]);
    const web = await getObj("apps/v1", "Deployment", ns, `${name}-web`);
    expect((web?.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]?.image).to.equal(`docker.io/discourse/discourse:${before.version ?? ""}`);
    r.handle.resyncNow();
    await settle(r);
    const events = JSON.parse(await kubectlOk(["get", "events", "-n", ns, "-o", "json", "--field-selector", `reason=MigrationFailed,involvedObject.name=${name}`])) as { items: { type: string; message: string; count?: number }[] };
    expect(events.items.map((e) => [e.type, e.count ?? 1, e.message.includes(job.metadata.name)])).to.deep.equal([["Warning", 1, true]]);

    await kubectlOk(["patch", "dsc", name, "-n", ns, "--type=merge", "-p", '{"spec":{"env":[]}}']);
    const fixed = await running(name, { version: "2026.1.3" }, 120_000);
    expect(condition(fixed, "Degraded")?.status).to.equal("False");
    const attempts = (await jobs(name)).filter((j) => stage(j) === "pre" && j.metadata.labels?.["discourse.cern/version"] === "2026.1.3");
    expect(attempts.map((j) => j.metadata.name === job.metadata.name).sort()).to.deep.equal([false, true]);
  });
});
