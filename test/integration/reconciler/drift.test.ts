import { expect } from "chai";
import { setTimeout as sleep } from "node:timers/promises";
import { installCrd, kubectl, newNamespace } from "../../hooks/control-plane.js";
import { apply, credentialsSecret, discourseManifest, getObj, kubectlOk, reader, runReconciler, SAMPLE_FORUMS, settle, waitFor, waitForPhase, type Running } from "./helpers.js";

const root = SAMPLE_FORUMS[0]!;

describe("reconciler: drift correction and zero-write resync", function () {
  let ns: string;
  let r: Running;

  before(async function () {
    this.timeout(180_000);
    await installCrd();
    ns = await newNamespace("rec-drift");
    r = await runReconciler(ns);
    await apply(credentialsSecret(ns, root.name), discourseManifest(ns, root));
    await waitForPhase(ns, "root-forum", "Running", 120_000); // migrated: web has its replicas
    await settle(r);
  });
  after(async () => r?.handle.stop());

  it("a full resync with nothing changed sends zero write requests", async () => {
    const before = r.handle.writeRequests();
    const reconcilesBefore = (await r.handle.metrics.reconciles.get()).values.reduce((a, v) => a + v.value, 0);
    expect(before).to.be.greaterThan(10);
    for (let i = 0; i < 3; i++) {
      r.handle.resyncNow();
      await settle(r, 800);
    }
    const reconcilesAfter = (await r.handle.metrics.reconciles.get()).values.reduce((a, v) => a + v.value, 0);
    expect(reconcilesAfter - reconcilesBefore, "reconciles run by the resyncs").to.be.at.least(3);
    expect(r.handle.writeRequests() - before, "write requests").to.equal(0);
    const metric = await r.handle.metrics.registry.getSingleMetricAsString("discourse_operator_write_requests_total");
    expect(metric).to.include('verb="PATCH",kind="Deployment"');
  });

  it("puts a hand-scaled web Deployment back within 5 s, with one log line and an Event", async () => {
    const logged = r.messages().length; // this attempt's lines only: a retried test runs on the same reconciler
    const scaled = await kubectl(["scale", "deployment/root-forum-web", "-n", ns, "--replicas=7"]);
    expect(scaled.code).to.equal(0);
    const t0 = Date.now();
    await waitFor("replicas back to 3", async () => {
      const d = await getObj("apps/v1", "Deployment", ns, "root-forum-web");
      return (d?.spec as { replicas?: number } | undefined)?.replicas === 3;
    }, 5_000);
    expect(Date.now() - t0).to.be.below(5_000);
    // The log line follows the patch's answer, which can reach the reconciler after the test's
    // own read saw the corrected Deployment: wait for it, then for the reconciles the
    // correction's own watch events cause, which must not correct it again.
    const corrections = () => r.messages().slice(logged).filter((m) => m.startsWith("corrected drift in Deployment root-forum-web"));
    await waitFor("the correction's log line", () => corrections().length > 0, 5_000);
    await settle(r, 1000);
    expect(corrections()).to.deep.equal(["corrected drift in Deployment root-forum-web: spec.replicas 7 → 3"]);
    const events = await waitFor("DriftCorrected event", async () => {
      const out = JSON.parse(await kubectlOk(["get", "events", "-n", ns, "-o", "json", "--field-selector", "reason=DriftCorrected"])) as { items: { message: string; involvedObject: { kind: string; name: string }; source: { component: string } }[] };
      return out.items.length > 0 ? out.items : null;
    });
    expect(events.map((e) => [e.involvedObject.kind, e.involvedObject.name, e.message, e.source.component])).to.deep.include([
      "Discourse", "root-forum", "corrected drift in Deployment root-forum-web: spec.replicas 7 → 3", "discourse-operator",
    ]);
  });

  const deleted: [string, string, string][] = [
    ["v1", "ConfigMap", "root-forum-env"],
    ["v1", "Service", "root-forum-web"],
    ["apps/v1", "Deployment", "root-forum-sidekiq"],
    ["policy/v1", "PodDisruptionBudget", "root-forum-web"],
  ];
  for (const [apiVersion, kind, name] of deleted) {
    it(`a deleted ${kind} comes back within 5 s`, async () => {
      const old = await getObj(apiVersion, kind, ns, name);
      expect(old, "exists before").to.not.equal(null);
      await reader().delete({ apiVersion, kind, namespace: ns, name });
      const t0 = Date.now();
      const back = await waitFor(`${kind} ${name} re-created`, async () => {
        const o = await getObj(apiVersion, kind, ns, name);
        return o && o.metadata.uid !== old?.metadata.uid ? o : null;
      }, 5_000);
      expect(Date.now() - t0).to.be.below(5_000);
      expect(back.metadata.ownerReferences?.[0]?.name).to.equal("root-forum");
      expect(r.messages()).to.include(`created ${kind} ${name}`);
    });
  }

  it("scaling the forum to one replica deletes the PodDisruptionBudget; back to three re-creates it", async () => {
    await kubectlOk(["patch", "dsc", "root-forum", "-n", ns, "--type=merge", "-p", '{"spec":{"replicas":1}}']);
    await waitFor("PDB gone", async () => (await getObj("policy/v1", "PodDisruptionBudget", ns, "root-forum-web")) === null);
    // the reconciler logs once its DELETE returned, which may be just after the object is gone
    await waitFor("the deletion's log line", () => r.messages().some((m) => m.startsWith("deleted PodDisruptionBudget root-forum-web")), 5_000);
    await kubectlOk(["patch", "dsc", "root-forum", "-n", ns, "--type=merge", "-p", '{"spec":{"replicas":3}}']);
    await waitFor("PDB back", () => getObj("policy/v1", "PodDisruptionBudget", ns, "root-forum-web"));
    await settle(r);
  });

  it("never logs a Secret's data", async () => {
    await sleep(10);
    const all = JSON.stringify(r.lines);
    expect(all).to.not.include("x".repeat(32));
    expect(all).to.not.include(Buffer.from("x".repeat(32)).toString("base64"));
  });
});
