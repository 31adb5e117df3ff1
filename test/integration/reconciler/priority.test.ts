import { expect } from "chai";
import { installCrd, kubectl, newNamespace } from "../../hooks/control-plane.js";
import { apply, credentialsSecret, discourseManifest, getObj, reader, runReconciler, settle, waitFor, type Running } from "./helpers.js";

/** Forums in the queued resync: enough that the drift event arrives while most of it still waits. */
const N = 40;
const names = Array.from({ length: N }, (_, i) => `fleet-${String(i).padStart(2, "0")}`);

describe("reconciler: a drift event is served before the rest of a queued resync", function () {
  this.timeout(240_000);
  let ns: string;
  let r: Running;

  before(async () => {
    await installCrd();
    ns = await newNamespace("rec-priority");
    // One worker: the order of the reconcile log lines is the order the queue served the keys.
    r = await runReconciler(ns, { concurrency: 1 });
    await apply(...names.map((n) => credentialsSecret(ns, n)), ...names.map((n) => discourseManifest(ns, { name: n, spec: { hostname: `${n}.web.cern.ch`, developerEmails: ["a@cern.ch"] } })));
    for (const n of names) await waitFor(`${n}-env`, () => getObj("v1", "ConfigMap", ns, `${n}-env`), 120_000);
    await settle(r, 2000, 120_000);
  });
  after(async () => {
    await r?.handle.stop();
    // 40 forums' pods: free the simulated nodes for the next test files
    if (ns) await kubectl(["delete", "namespace", ns, "--wait=false"]);
  });

  it("recreates a deleted child of the forum the resync queued last before the resync reaches the others", async () => {
    // The resync queues the Discourse cache in its order: the forum it queues last is the drift's target.
    const order = (r.handle.informers.get("Discourse")?.cache.list() ?? []).map((d) => d.metadata.name);
    expect(order).to.have.length(N);
    const target = order[N - 1] as string;
    const mark = r.lines.length;
    r.handle.resyncNow();
    await reader().delete({ apiVersion: "v1", kind: "ConfigMap", namespace: ns, name: `${target}-env` });
    await waitFor("ConfigMap recreated", () => getObj("v1", "ConfigMap", ns, `${target}-env`), 30_000);
    await settle(r, 1500, 60_000);

    const lines = r.lines.slice(mark);
    const reconciles = lines.filter((l) => String(l.msg).startsWith("reconcile of "));
    const served = reconciles.map((l) => `${String(l.name)}:${String(l.cause)}`);
    const recreatedAt = lines.findIndex((l) => l.action === "created" && l.kind === "ConfigMap" && l.child === `${target}-env`);
    expect(recreatedAt, "the reconcile log shows the ConfigMap created again").to.be.at.least(0);
    expect(lines[recreatedAt]?.cause, "recreated by an event, not by its turn in the resync").to.equal("event");
    // The resync's key for the target was promoted to the event: the target is never served as
    // resync (the recreated ConfigMap's own watch event may enqueue it once more, as an event).
    const targetServed = served.filter((s) => s.startsWith(`${target}:`));
    expect(targetServed.length, "the target is reconciled").to.be.at.least(1);
    expect(targetServed.filter((s) => s !== `${target}:event`), "no resync reconcile of the target").to.deep.equal([]);
    expect(served.filter((s) => s.endsWith(":resync"))).to.have.length(N - 1);
    // Served before the rest: most of the resync ran after the drift was corrected.
    const resyncAfter = lines.slice(recreatedAt).filter((l) => String(l.msg).startsWith("reconcile of ") && l.cause === "resync").length;
    expect(resyncAfter, `resync reconciles after the drift correction (order: ${served.join(" ")})`).to.be.at.least(N / 2);
    const waits = await r.handle.metrics.registry.getSingleMetricAsString("discourse_operator_work_queue_wait_seconds");
    expect(waits).to.include('cause="event"').and.to.include('cause="resync"');
  });
});
