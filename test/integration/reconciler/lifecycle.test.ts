import { expect } from "chai";
import { installCrd, newNamespace } from "../../hooks/control-plane.js";
import type { KubeObject } from "../../../reconciler/client/kube-client.js";
import { apply, credentialsSecret, discourseManifest, getObj, kubectlOk, runReconciler, settle, waitFor, type Running } from "./helpers.js";

const DSC = "discourse.cern/v1alpha1";

function condition(o: KubeObject | null, type: string): { status: string; reason: string; message: string } | undefined {
  return ((o?.status as { conditions?: { type: string; status: string; reason: string; message: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === type);
}

describe("reconciler: deletion policies, pause, invalid objects, upgrades", function () {
  let ns: string;
  let r: Running;

  before(async function () {
    await installCrd();
    ns = await newNamespace("rec-life");
    r = await runReconciler(ns);
  });
  after(async () => r?.handle.stop());

  async function createForum(name: string, spec: Record<string, unknown> = {}): Promise<KubeObject> {
    await apply(credentialsSecret(ns, name), discourseManifest(ns, { name, spec: { hostname: `${name}.web.cern.ch`, developerEmails: ["a@cern.ch"], ...spec } }));
    await waitFor(`${name}-web`, () => getObj("apps/v1", "Deployment", ns, `${name}-web`));
    await waitFor(`${name} StatefulSet PVC`, () => getObj("v1", "PersistentVolumeClaim", ns, `data-${name}-postgresql-0`), 15_000);
    await settle(r);
    return (await getObj(DSC, "Discourse", ns, name))!;
  }

  it("deletionPolicy Retain releases the uploads claim, the database claim and the credentials Secret", async function () {
    this.timeout(120_000);
    const dsc = await createForum("keep");
    await kubectlOk(["delete", "dsc", "keep", "-n", ns, "--wait=false"]);
    await waitFor("Discourse gone", async () => (await getObj(DSC, "Discourse", ns, "keep")) === null);
    for (const [kind, name] of [["PersistentVolumeClaim", "keep-uploads"], ["PersistentVolumeClaim", "data-keep-postgresql-0"], ["Secret", "keep-db-credentials"]] as const) {
      const o = await getObj("v1", kind, ns, name);
      expect(o, `${kind} ${name} kept`).to.not.equal(null);
      expect(o?.metadata.deletionTimestamp, `${kind} ${name} not being deleted`).to.equal(undefined);
      expect((o?.metadata.ownerReferences ?? []).filter((ref) => ref.uid === dsc.metadata.uid), `${kind} ${name} released`).to.deep.equal([]);
      expect(o?.metadata.labels?.["discourse.cern/retained"]).to.equal("true");
    }
    // the garbage collector removes what was owned (its discovery of the new CRD may lag)
    await waitFor("web Deployment collected", async () => (await getObj("apps/v1", "Deployment", ns, "keep-web")) === null, 90_000);
    expect(r.messages()).to.include("released Secret keep-db-credentials (deletionPolicy Retain): no longer owned, labelled discourse.cern/retained=true");
  });

  it("deletionPolicy Delete removes the claims and the Secret too", async () => {
    await createForum("drop", { deletionPolicy: "Delete" });
    await kubectlOk(["delete", "dsc", "drop", "-n", ns, "--wait=false"]);
    await waitFor("Discourse gone", async () => (await getObj(DSC, "Discourse", ns, "drop")) === null);
    for (const [kind, name] of [["PersistentVolumeClaim", "drop-uploads"], ["PersistentVolumeClaim", "data-drop-postgresql-0"], ["Secret", "drop-db-credentials"]] as const) {
      // a claim may wait for kubernetes.io/pvc-protection; it is gone or being deleted
      await waitFor(`${kind} ${name} deleted`, async () => {
        const o = await getObj("v1", kind, ns, name);
        return o === null || o.metadata.deletionTimestamp !== undefined;
      }, 20_000);
    }
  });

  it("paused: reports Paused and corrects nothing", async () => {
    await createForum("still");
    await kubectlOk(["patch", "dsc", "still", "-n", ns, "--type=merge", "-p", '{"spec":{"paused":true}}']);
    await waitFor("phase Paused", async () => ((await getObj(DSC, "Discourse", ns, "still"))?.status as { phase?: string } | undefined)?.phase === "Paused");
    const dsc = await getObj(DSC, "Discourse", ns, "still");
    expect(condition(dsc, "Paused")?.status).to.equal("True");
    await kubectlOk(["scale", "deployment/still-web", "-n", ns, "--replicas=4"]);
    const writes = r.handle.writeRequests();
    r.handle.resyncNow();
    await settle(r, 1000);
    expect(r.handle.writeRequests()).to.equal(writes);
    expect(((await getObj("apps/v1", "Deployment", ns, "still-web"))?.spec as { replicas: number }).replicas).to.equal(4);
    await kubectlOk(["patch", "dsc", "still", "-n", ns, "--type=merge", "-p", '{"spec":{"paused":false}}']);
    // corrected to 0: no web pod starts before the first migration (no node runs it here)
    await waitFor("replicas corrected after unpause", async () => ((await getObj("apps/v1", "Deployment", ns, "still-web"))?.spec as { replicas: number }).replicas === 0);
    // Status is written last in a reconcile, just after the correction.
    const unpaused = await waitFor("Paused condition False", async () => {
      const o = await getObj(DSC, "Discourse", ns, "still");
      return condition(o, "Paused")?.status === "False" ? o : null;
    });
    expect((unpaused.status as { phase?: string }).phase).to.not.equal("Paused");
  });

  it("an invalid object (past a missing webhook) gets Degraded and an Event, and no child", async () => {
    await apply(discourseManifest(ns, { name: "bad", spec: { hostname: "bad.web.cern.ch", developerEmails: ["same@cern.ch", "same@cern.ch"] } }));
    const dsc = await waitFor("Degraded", async () => {
      const o = await getObj(DSC, "Discourse", ns, "bad");
      return condition(o, "Degraded")?.reason === "InvalidSpec" ? o : null;
    });
    expect(condition(dsc, "Degraded")?.message).to.match(/^invalid spec: spec\.developerEmails\[1\]: Duplicate value: "same@cern.ch"/);
    expect((dsc.status as { phase: string }).phase).to.equal("Degraded");
    expect(await getObj("v1", "ConfigMap", ns, "bad-env")).to.equal(null);
    const events = JSON.parse(await kubectlOk(["get", "events", "-n", ns, "-o", "json", "--field-selector", "reason=InvalidSpec,involvedObject.name=bad"])) as { items: { type: string }[] };
    expect(events.items.map((e) => e.type)).to.deep.equal(["Warning"]);
  });

  // External backends: no gate waits for a pod, so the first migration Job is due at once.
  // Without nodes it never runs, which holds the forum before its first migration.
  const external = { database: { host: "db.example.org" }, redis: { host: "redis.example.org" } };
  const migrationJobs = async (name: string): Promise<KubeObject[]> =>
    (JSON.parse(await kubectlOk(["get", "jobs", "-n", ns, "-l", `app.kubernetes.io/instance=${name},app.kubernetes.io/component=migrations`, "-o", "json"])) as { items: KubeObject[] }).items;

  it("a new forum runs its pre-deployment migration Job first: web and sidekiq stay at 0 replicas, phase Provisioning", async () => {
    await apply(credentialsSecret(ns, "fresh"), discourseManifest(ns, { name: "fresh", spec: { hostname: "fresh.web.cern.ch", developerEmails: ["a@cern.ch"], ...external } }));
    const [job] = await waitFor("the pre-deployment migration Job", async () => {
      const jobs = await migrationJobs("fresh");
      return jobs.length > 0 ? jobs : null;
    });
    expect(job?.metadata.name).to.match(/^fresh-migrate-3-5-2-[0-9a-f]{8}-pre$/);
    expect(job?.metadata.labels?.["discourse.cern/migration-stage"]).to.equal("pre");
    const container = (job?.spec as { template: { spec: { containers: { command: string[]; env: { name: string; value?: string }[] }[] } } }).template.spec.containers[0];
    expect(container?.command).to.deep.equal(["bundle", "exec", "rake", "db:migrate"]);
    expect(container?.env).to.deep.include({ name: "SKIP_POST_DEPLOYMENT_MIGRATIONS", value: "1" });
    const dsc = await waitFor("phase Provisioning", async () => {
      const o = await getObj(DSC, "Discourse", ns, "fresh");
      return (o?.status as { phase?: string } | undefined)?.phase === "Provisioning" ? o : null;
    });
    expect(condition(dsc, "Progressing")?.reason).to.equal("PreDeploymentMigration");
    expect(condition(dsc, "Ready")?.reason).to.equal("NotMigrated");
    expect((dsc.status as { version?: string }).version).to.equal(undefined);
    for (const d of ["fresh-web", "fresh-sidekiq"]) expect(((await getObj("apps/v1", "Deployment", ns, d))?.spec as { replicas: number }).replicas, d).to.equal(0);
  });

  it("a spec change while the migration Job runs makes no second Job (Rails' migration lock); the Job is never updated", async () => {
    const [before] = await migrationJobs("fresh");
    await kubectlOk(["patch", "dsc", "fresh", "-n", ns, "--type=merge", "-p", '{"spec":{"env":[{"name":"DISCOURSE_MAX_REQS_PER_IP_MODE","value":"warn"}]}}']);
    const dsc = await waitFor("waiting for the running Job", async () => {
      const o = await getObj(DSC, "Discourse", ns, "fresh");
      return condition(o, "Progressing")?.message.startsWith(`waiting for migration Job ${before?.metadata.name ?? ""} to end`) ? o : null;
    });
    expect((dsc.status as { phase: string }).phase).to.equal("Provisioning");
    await settle(r);
    const after = await migrationJobs("fresh");
    expect(after.map((j) => [j.metadata.name, j.metadata.uid])).to.deep.equal([[before?.metadata.name, before?.metadata.uid]]);
  });
});
