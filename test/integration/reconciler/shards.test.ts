import { expect } from "chai";
import { installCrd, newNamespace } from "../../hooks/control-plane.js";
import { DEFAULT_LEASE_NAME } from "../../../reconciler/controller.js";
import { objectKey } from "../../../reconciler/informer/object-cache.js";
import { shardLeaseName, shardOf } from "../../../reconciler/shard/shard.js";
import { apply, credentialsSecret, discourseManifest, getObj, reader, runReconciler, settle, waitFor, type Running } from "./helpers.js";

const COUNT = 2;
const names = Array.from({ length: 8 }, (_, i) => `shard-${i}`);

/** Names of the forums `r` reconciled (from its reconcile log lines). */
function reconciled(r: Running): Set<string> {
  return new Set(r.lines.filter((l) => String(l.msg).startsWith("reconcile of ")).map((l) => String(l.name)));
}

async function holder(ns: string, index: number): Promise<string | undefined> {
  const lease = await getObj("coordination.k8s.io/v1", "Lease", ns, shardLeaseName(DEFAULT_LEASE_NAME, { index, count: COUNT }));
  return (lease?.spec as { holderIdentity?: string } | undefined)?.holderIdentity;
}

describe("reconciler: sharding", function () {
  this.timeout(180_000);
  const running: Running[] = [];
  after(async () => {
    for (const r of running) await r.handle.stop();
  });

  it("two shards split the forums with no overlap; a standby takes a dead shard over", async () => {
    await installCrd();
    const ns = await newNamespace("rec-shards");
    const shardOfName = (n: string) => shardOf(objectKey(ns, n), COUNT);
    const start = async (identity: string, index: number) => {
      const r = await runReconciler(ns, { shard: { index, count: COUNT }, leaderElection: { enabled: true, namespace: ns, identity, leaseDurationMs: 3000 } });
      running.push(r);
      return r;
    };
    const s0 = await start("shard-0-a", 0);
    const s1 = await start("shard-1-a", 1);
    await waitFor("both shards lead", () => s0.handle.isLeader() && s1.handle.isLeader());
    const standby = await start("shard-1-b", 1);

    await apply(...names.map((n) => credentialsSecret(ns, n)), ...names.map((n) => discourseManifest(ns, { name: n, spec: { hostname: `${n}.web.cern.ch`, developerEmails: ["a@cern.ch"] } })));
    for (const n of names) await waitFor(`${n}-web`, () => getObj("apps/v1", "Deployment", ns, `${n}-web`), 90_000);
    await settle(s0);
    await settle(s1);

    const byShard = [names.filter((n) => shardOfName(n) === 0), names.filter((n) => shardOfName(n) === 1)];
    expect(byShard[0], "the split gives each shard some forums").to.not.be.empty;
    expect(byShard[1]).to.not.be.empty;
    expect([...reconciled(s0)].sort()).to.deep.equal(byShard[0]);
    expect([...reconciled(s1)].sort()).to.deep.equal(byShard[1]);
    // Each shard caches only its own forums' children (every Discourse, though).
    const cachedOwners = (r: Running) => [...new Set((r.handle.informers.get("ConfigMap")?.cache.list() ?? []).map((c) => c.metadata.labels?.["app.kubernetes.io/instance"]))].sort();
    expect(cachedOwners(s0)).to.deep.equal(byShard[0]);
    expect(cachedOwners(s1)).to.deep.equal(byShard[1]);
    expect(s0.handle.informers.get("Discourse")?.cache.list()).to.have.length(names.length);
    expect(standby.handle.isLeader()).to.equal(false);
    expect(reconciled(standby).size, "the standby reconciled").to.equal(0);
    expect(standby.handle.writeRequests(), "the standby wrote").to.equal(0);
    expect([await holder(ns, 0), await holder(ns, 1)]).to.deep.equal(["shard-0-a", "shard-1-a"]);

    // Shard 1's leader dies (no lease release); drift in one of its forums is corrected by the standby.
    await s1.handle.abort();
    const victim = byShard[1]![0]!;
    await reader().delete({ apiVersion: "v1", kind: "ConfigMap", namespace: ns, name: `${victim}-env` });
    await waitFor("standby leads", () => standby.handle.isLeader(), 20_000);
    await waitFor("ConfigMap recreated", () => getObj("v1", "ConfigMap", ns, `${victim}-env`), 30_000);
    expect(await holder(ns, 1)).to.equal("shard-1-b");
    expect(standby.lines.some((l) => l.action === "created" && l.kind === "ConfigMap" && l.child === `${victim}-env`)).to.equal(true);
    expect(await holder(ns, 0), "shard 0 is untouched").to.equal("shard-0-a");
    for (const n of byShard[1]!) expect(reconciled(s0).has(n), `shard 0 reconciled ${n}`).to.equal(false);
    // The standby's resync on taking over covers exactly its shard.
    await settle(standby);
    expect([...reconciled(standby)].sort()).to.deep.equal(byShard[1]);
  });
});
