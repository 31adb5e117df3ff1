/**
 * Fencing (issue 11): a leader whose connection to the API server freezes
 * (a partition: no data, no FIN) steps down by its renew deadline, cancels its
 * work in flight, and sends no write once another reconciler has taken over,
 * neither while frozen nor after the connection comes back.
 */
import { expect } from "chai";
import { setTimeout as sleep } from "node:timers/promises";
import { env, installCrd, newNamespace } from "../../hooks/control-plane.js";
import { apply, discourseManifest, getObj, runReconciler, SAMPLE_FORUMS, settle, waitFor, type Running } from "./helpers.js";
import { startFrozenProxy, type FrozenProxy } from "./frozen-proxy.js";

describe("reconciler: a leader cut off from the API server", function () {
  const running: Running[] = [];
  let proxy: FrozenProxy | undefined;
  after(async () => {
    proxy?.thaw();
    for (const x of running) await x.handle.abort();
    await proxy?.close();
  });

  it("steps down before the other takes over and writes nothing after", async function () {
    this.timeout(120_000);
    await installCrd();
    const ns = await newNamespace("rec-fence");
    proxy = await startFrozenProxy(env().kc);
    const le = (identity: string) => ({ leaderElection: { enabled: true, namespace: ns, identity, leaseDurationMs: 3000 } });
    const a = await runReconciler(ns, { kc: proxy.kc, ...le("a") });
    running.push(a);
    await waitFor("a leads", () => a.handle.isLeader());
    const b = await runReconciler(ns, le("b"));
    running.push(b);

    // a is in the middle of creating three forums when its connection freezes
    await apply(...SAMPLE_FORUMS.map((f) => discourseManifest(ns, f)));
    await waitFor("a writes", () => a.messages().some((m) => m.startsWith("created ")), 20_000);
    proxy.freeze();
    const frozenAt = Date.now();

    await waitFor("b leads", () => b.handle.isLeader(), 15_000);
    const takeoverMs = Date.now() - frozenAt;
    expect(a.handle.isLeader(), "a still acts as leader when b took over").to.equal(false);
    const writesAtTakeover = a.handle.writeRequests();
    expect(a.messages().some((m) => m.startsWith("lost leadership")), "a logged its step-down").to.equal(true);

    // b finishes the work; a, frozen, sends nothing
    for (const f of SAMPLE_FORUMS) await waitFor(`${f.name}-web`, () => getObj("apps/v1", "Deployment", ns, `${f.name}-web`), 30_000);
    await settle(b);
    expect(a.handle.writeRequests(), "writes by a while frozen, after the takeover").to.equal(writesAtTakeover);

    // the connection comes back: a is a follower and still sends nothing, even asked to resync
    proxy.thaw();
    a.handle.resyncNow();
    await sleep(Math.max(5000, takeoverMs));
    expect(a.handle.isLeader()).to.equal(false);
    expect(b.handle.isLeader()).to.equal(true);
    expect(a.handle.writeRequests(), "writes by a after the connection came back").to.equal(writesAtTakeover);
  });
});
