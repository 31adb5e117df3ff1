import { expect } from "chai";
import { installCrd, newNamespace } from "../../hooks/control-plane.js";
import { DEFAULT_DISCOURSE_VERSION } from "../../../src/api/constants.js";
import { apply, credentialsSecret, discourseManifest, getObj, kubectlOk, runReconciler, SAMPLE_FORUMS, waitFor, waitForPhase, type Running } from "./helpers.js";

/** Children deletionPolicy Retain keeps: while Retain (the samples' default) they have no owner reference (docs/deletion.md). */
const RETAINED = ["-db-credentials", "-app-secrets", "-uploads"];

/**
 * Every child of API.md's table for a forum with managed database and Redis, Ingress, and
 * the PDB when replicas >= 2. The migration Jobs come and go with the revision
 * (test/integration/reconciler/migrations.test.ts).
 */
function contractChildren(name: string, replicas: number): [string, string, string][] {
  const children: [string, string, string][] = [
    ["v1", "Secret", `${name}-db-credentials`],
    ["v1", "Secret", `${name}-app-secrets`],
    ["v1", "ConfigMap", `${name}-env`],
    ["apps/v1", "Deployment", `${name}-web`],
    ["apps/v1", "Deployment", `${name}-sidekiq`],
    ["v1", "Service", `${name}-web`],
    ["networking.k8s.io/v1", "Ingress", name],
    ["v1", "PersistentVolumeClaim", `${name}-uploads`],
    ["apps/v1", "StatefulSet", `${name}-redis`],
    ["v1", "Service", `${name}-redis`],
    ["apps/v1", "StatefulSet", `${name}-postgresql`],
    ["v1", "Service", `${name}-postgresql`],
    ["networking.k8s.io/v1", "NetworkPolicy", `${name}-backend`],
  ];
  if (replicas >= 2) children.push(["policy/v1", "PodDisruptionBudget", `${name}-web`]);
  return children;
}

describe("reconciler: three sample forums", function () {
  let ns: string;
  let r: Running;

  before(async function () {
    await installCrd();
    ns = await newNamespace("rec-create");
    r = await runReconciler(ns);
  });
  after(async () => r?.handle.stop());

  it("creates every child of the contract with an owner reference (none on what Retain keeps) within seconds", async () => {
    const t0 = Date.now();
    await apply(...SAMPLE_FORUMS.map((f) => credentialsSecret(ns, f.name)), ...SAMPLE_FORUMS.map((f) => discourseManifest(ns, f)));
    for (const f of SAMPLE_FORUMS) {
      const dsc = await waitFor(`${f.name} exists`, () => getObj("discourse.cern/v1alpha1", "Discourse", ns, f.name));
      for (const [apiVersion, kind, name] of contractChildren(f.name, (f.spec.replicas as number | undefined) ?? 1)) {
        const child = await waitFor(`${kind} ${name}`, async () => {
          const o = await getObj(apiVersion, kind, ns, name);
          if (RETAINED.some((suffix) => name.endsWith(suffix))) return o && o.metadata.ownerReferences === undefined && o.metadata.labels?.["app.kubernetes.io/component"] ? o : null;
          return o?.metadata.ownerReferences?.some((ref) => ref.uid === dsc.metadata.uid && ref.controller === true) ? o : null;
        });
        expect(child.metadata.labels, `${kind} ${name} labels`).to.include({
          "app.kubernetes.io/name": "discourse",
          "app.kubernetes.io/instance": f.name,
          "app.kubernetes.io/managed-by": "discourse-operator",
        });
      }
    }
    expect(Date.now() - t0).to.be.below(15_000);
  });

  it("reports status and kubectl get dsc lists the forums, each Running once migrated (simulated nodes)", async function () {
    this.timeout(150_000);
    for (const f of SAMPLE_FORUMS) await waitForPhase(ns, f.name, "Running", 120_000);
    const out = await kubectlOk(["get", "dsc", "-n", ns, "-o", "json"]);
    const items = (JSON.parse(out) as { items: { metadata: { name: string; finalizers?: string[] }; spec: { replicas?: number }; status?: Record<string, unknown> }[] }).items;
    expect(items.map((i) => i.metadata.name).sort()).to.deep.equal(["eos-community", "marketplace", "root-forum"]);
    for (const i of items) {
      expect(i.metadata.finalizers).to.deep.equal(["discourse.cern/finalizer"]);
      const s = i.status ?? {};
      expect({ url: s.url, version: s.version, phase: s.phase, readyReplicas: s.readyReplicas }).to.deep.equal({
        url: `https://${i.metadata.name}.web.cern.ch`, version: DEFAULT_DISCOURSE_VERSION, phase: "Running", readyReplicas: i.spec.replicas ?? 1,
      });
      const conditions = (s.conditions as { type: string; status: string }[]).map((c) => `${c.type}=${c.status}`).sort();
      expect(conditions).to.deep.equal(["DatabaseReady=True", "Degraded=False", "Paused=False", "Progressing=False", "Ready=True"]);
    }
    const table = await kubectlOk(["get", "dsc", "-n", ns]);
    expect(table).to.match(/root-forum\s+root-forum\.web\.cern\.ch\s+2026\.1\.1\s+3\s+True/);
  });

  it("a single-replica forum has no PodDisruptionBudget", async () => {
    expect(await getObj("policy/v1", "PodDisruptionBudget", ns, "marketplace-web")).to.equal(null);
  });
});
