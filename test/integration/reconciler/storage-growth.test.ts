import { expect } from "chai";
import { randomBytes } from "node:crypto";
import { installCrd, kubectl, newNamespace } from "../../hooks/control-plane.js";
import { apply, credentialsSecret, discourseManifest, getObj, runReconciler, SAMPLE_FORUMS, settle, waitFor, type Running } from "./helpers.js";

const forum = SAMPLE_FORUMS[1]!;

type Claim = { spec?: { resources?: { requests?: { storage?: string } } }; status?: { phase?: string } };
type Sts = { spec?: { volumeClaimTemplates?: Claim[] } };

const storageOf = async (ns: string, name: string): Promise<string | undefined> =>
  ((await getObj("v1", "PersistentVolumeClaim", ns, name)) as Claim | null)?.spec?.resources?.requests?.storage;

async function errors(r: Running): Promise<number> {
  return (await r.handle.metrics.reconciles.get()).values.filter((v) => v.labels.outcome === "error").reduce((a, v) => a + v.value, 0);
}

describe("reconciler: growing volumes", function () {
  const suffix = randomBytes(3).toString("hex");
  const storageClass = `expandable-${suffix}`;
  let ns: string;
  let r: Running;

  before(async function () {
    this.timeout(180_000);
    await installCrd();
    ns = await newNamespace("rec-storage");
    // A StorageClass that allows expansion and a volume for the database claim to bind to
    // (the controller manager's persistentvolume-binder binds them; there is no provisioner).
    await apply(
      { apiVersion: "storage.k8s.io/v1", kind: "StorageClass", metadata: { name: storageClass }, provisioner: "kubernetes.io/no-provisioner", allowVolumeExpansion: true, volumeBindingMode: "Immediate" },
      { apiVersion: "v1", kind: "PersistentVolume", metadata: { name: `pv-${suffix}` }, spec: { capacity: { storage: "50Gi" }, accessModes: ["ReadWriteOnce"], storageClassName: storageClass, hostPath: { path: `/tmp/pv-${suffix}` } } },
    );
    r = await runReconciler(ns);
    const manifest = discourseManifest(ns, forum) as { spec: Record<string, unknown> };
    manifest.spec.database = { storage: { size: "10Gi", storageClassName: storageClass } };
    manifest.spec.storage = { uploads: { size: "10Gi", storageClassName: `unprovisioned-${suffix}` } };
    await apply(credentialsSecret(ns, forum.name), manifest);
    await waitFor("database claim bound", async () => {
      const c = (await getObj("v1", "PersistentVolumeClaim", ns, `data-${forum.name}-postgresql-0`)) as Claim | null;
      return c?.status?.phase === "Bound";
    }, 120_000); // the volume binder works through every claim of the run, one sync at a time
    await settle(r);
  });
  after(async () => {
    await r?.handle.stop();
    await kubectl(["delete", "pv", `pv-${suffix}`, "--wait=false"]);
    await kubectl(["delete", "storageclass", storageClass, "--wait=false"]);
  });

  it("grows the bound database claim and keeps the StatefulSet's immutable volumeClaimTemplate", async () => {
    const before = await errors(r);
    const patched = await kubectl(["patch", "dsc", forum.name, "-n", ns, "--type=merge", "-p", '{"spec":{"database":{"storage":{"size":"20Gi"}}}}']);
    expect(patched.code, patched.stderr).to.equal(0);
    await waitFor("claim grown to 20Gi", async () => (await storageOf(ns, `data-${forum.name}-postgresql-0`)) === "20Gi");
    await settle(r);
    const sts = (await getObj("apps/v1", "StatefulSet", ns, `${forum.name}-postgresql`)) as Sts | null;
    expect(sts?.spec?.volumeClaimTemplates?.[0]?.spec?.resources?.requests?.storage).to.equal("10Gi");
    expect((await errors(r)) - before, "failed reconciles").to.equal(0);
  });

  it("holds the growth of a claim that is not bound yet, without failing the reconcile", async () => {
    const before = await errors(r);
    const patched = await kubectl(["patch", "dsc", forum.name, "-n", ns, "--type=merge", "-p", '{"spec":{"storage":{"uploads":{"size":"30Gi"}}}}']);
    expect(patched.code, patched.stderr).to.equal(0);
    await settle(r);
    expect(((await getObj("v1", "PersistentVolumeClaim", ns, `${forum.name}-uploads`)) as Claim | null)?.status?.phase).to.equal("Pending");
    expect(await storageOf(ns, `${forum.name}-uploads`)).to.equal("10Gi");
    expect((await errors(r)) - before, "failed reconciles").to.equal(0);
  });
});
