import { expect } from "chai";
import { attemptName } from "../../hooks/attempt.js";
import { installCrd, newNamespace } from "../../hooks/control-plane.js";
import type { KubeObject } from "../../../reconciler/client/kube-client.js";
import { apply, credentialsSecret, discourseManifest, getObj, kubectlOk, runReconciler, settle, waitFor, waitForPhase, type Running } from "./helpers.js";

const DSC = "discourse.cern/v1alpha1";

function condition(o: KubeObject | null, type: string): { status: string; reason: string; message: string } | undefined {
  return ((o?.status as { conditions?: { type: string; status: string; reason: string; message: string }[] } | undefined)?.conditions ?? []).find((c) => c.type === type);
}

describe("reconciler: deletion policies, pause, invalid objects", function () {
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
    await waitFor(`${name} Redis PVC`, () => getObj("v1", "PersistentVolumeClaim", ns, `data-${name}-redis-0`), 15_000);
    await settle(r);
    return (await getObj(DSC, "Discourse", ns, name))!;
  }

  it("deletionPolicy Retain releases the uploads claim, the database claim and the credentials Secret", async function () {
    this.timeout(120_000);
    const dsc = await createForum("keep");
    await kubectlOk(["delete", "dsc", "keep", "-n", ns, "--wait=false"]);
    await waitFor("Discourse gone", async () => (await getObj(DSC, "Discourse", ns, "keep")) === null);
    for (const [kind, name] of [["PersistentVolumeClaim", "keep-uploads"], ["PersistentVolumeClaim", "data-keep-postgresql-0"], ["PersistentVolumeClaim", "data-keep-redis-0"], ["Secret", "keep-db-credentials"]] as const) {
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
    for (const [kind, name] of [["PersistentVolumeClaim", "drop-uploads"], ["PersistentVolumeClaim", "data-drop-postgresql-0"], ["PersistentVolumeClaim", "data-drop-redis-0"], ["Secret", "drop-db-credentials"]] as const) {
      // a claim may wait for kubernetes.io/pvc-protection; it is gone or being deleted
      await waitFor(`${kind} ${name} deleted`, async () => {
        const o = await getObj("v1", kind, ns, name);
        return o === null || o.metadata.deletionTimestamp !== undefined;
      }, 20_000);
    }
  });

  it("paused: reports Paused and corrects nothing", async function () {
    this.timeout(120_000);
    const still = attemptName(this, "still"); // a retry must not meet the first attempt's paused forum
    await createForum(still);
    await waitForPhase(ns, still, "Running", 90_000);
    await kubectlOk(["patch", "dsc", still, "-n", ns, "--type=merge", "-p", '{"spec":{"paused":true}}']);
    await waitFor("phase Paused", async () => ((await getObj(DSC, "Discourse", ns, still))?.status as { phase?: string } | undefined)?.phase === "Paused");
    const dsc = await getObj(DSC, "Discourse", ns, still);
    expect(condition(dsc, "Paused")?.status).to.equal("True");
    await kubectlOk(["scale", `deployment/${still}-web`, "-n", ns, "--replicas=4"]);
    const writes = r.handle.writeRequests();
    r.handle.resyncNow();
    await settle(r, 1000);
    expect(r.handle.writeRequests()).to.equal(writes);
    expect(((await getObj("apps/v1", "Deployment", ns, `${still}-web`))?.spec as { replicas: number }).replicas).to.equal(4);
    await kubectlOk(["patch", "dsc", still, "-n", ns, "--type=merge", "-p", '{"spec":{"paused":false}}']);
    await waitFor("replicas corrected after unpause", async () => ((await getObj("apps/v1", "Deployment", ns, `${still}-web`))?.spec as { replicas: number }).replicas === 1);
    // Status is written last in a reconcile, just after the correction.
    const unpaused = await waitFor("Paused condition False", async () => {
      const o = await getObj(DSC, "Discourse", ns, still);
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
});
