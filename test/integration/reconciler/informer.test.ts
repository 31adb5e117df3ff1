import { expect } from "chai";
import { pino } from "pino";
import { env, newNamespace } from "../../hooks/control-plane.js";
import { Informer } from "../../../reconciler/informer/informer.js";
import { KubeClient, type KubeObject } from "../../../reconciler/client/kube-client.js";
import { waitFor } from "./helpers.js";

const silent = pino({ level: "silent" });

function configMap(ns: string, name: string, managed = true): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: ns, labels: managed ? { "app.kubernetes.io/managed-by": "discourse-operator" } : { other: "yes" } }, data: { a: "1" } };
}

describe("informer: list, watch and recovery on the real API server", function () {
  const client = () => new KubeClient(env().kc);
  let inf: Informer | undefined;
  afterEach(async () => inf?.stop());

  it("lists, then sees adds, updates and deletes of label-selected objects only", async () => {
    const ns = await newNamespace("inf-basic");
    await client().create(configMap(ns, "before"));
    inf = new Informer({ client: client(), apiVersion: "v1", kind: "ConfigMap", namespace: ns, labelSelector: "app.kubernetes.io/managed-by=discourse-operator", logger: silent });
    const seen: string[] = [];
    inf.on((e, o) => seen.push(`${e} ${o.metadata.name}`));
    inf.start();
    await inf.synced;
    expect(inf.cache.list().map((o) => o.metadata.name)).to.deep.equal(["before"]);
    await client().create(configMap(ns, "after"));
    await client().create(configMap(ns, "unlabelled", false));
    await client().mergePatch({ apiVersion: "v1", kind: "ConfigMap", namespace: ns, name: "after" }, { data: { a: "2" } });
    await client().delete({ apiVersion: "v1", kind: "ConfigMap", namespace: ns, name: "before" });
    await waitFor("events", () => seen.length >= 4);
    expect(seen).to.deep.equal(["add before", "add after", "update after", "delete before"]);
    expect(inf.cache.get(ns, "after")?.data).to.deep.equal({ a: "2" });
    expect(inf.cache.get(ns, "unlabelled")).to.equal(undefined);
  });

  it("restarts a silent (stalled) watch and keeps seeing changes", async () => {
    const ns = await newNamespace("inf-stall");
    inf = new Informer({ client: client(), apiVersion: "v1", kind: "ConfigMap", namespace: ns, logger: silent, stallTimeoutMs: 700 });
    inf.start();
    await inf.synced;
    await waitFor("a stall restart", () => inf!.counts.stalls >= 1 && inf!.counts.watches >= 2);
    await client().create(configMap(ns, "later"));
    await waitFor("later in cache", () => inf!.cache.get(ns, "later"));
  });

  it("relists after 410 Gone (an expired resourceVersion)", async () => {
    const ns = await newNamespace("inf-gone");
    inf = new Informer({ client: client(), apiVersion: "v1", kind: "ConfigMap", namespace: ns, logger: silent });
    const deleted: string[] = [];
    inf.on((e, o) => e === "delete" && deleted.push(o.metadata.name));
    inf.start();
    await inf.synced;
    await client().create(configMap(ns, "one"));
    await waitFor("one", () => inf!.cache.get(ns, "one"));
    inf.restart("1");
    await waitFor("410 handled by a relist", () => inf!.counts.gone >= 1 && inf!.counts.lists >= 2);
    await client().delete({ apiVersion: "v1", kind: "ConfigMap", namespace: ns, name: "one" });
    await waitFor("delete seen", () => deleted.includes("one"));
  });

  it("repeated 410s relist with a growing, jittered delay; the first one at once", async () => {
    const ns = await newNamespace("inf-gone-again");
    inf = new Informer({ client: client(), apiVersion: "v1", kind: "ConfigMap", namespace: ns, logger: silent });
    inf.start();
    await inf.synced;
    const gaps: number[] = [];
    for (let i = 0; i < 4; i++) {
      const { lists, watches } = inf.counts;
      const t0 = Date.now();
      inf.restart("1"); // no watch line in between: each 410 follows the last
      await waitFor(`relist ${i + 1}`, () => inf!.counts.lists > lists, 10_000, 10);
      gaps.push(Date.now() - t0);
      await waitFor(`watch ${i + 1} running`, () => inf!.counts.watches > watches + 1, 10_000, 10);
    }
    // backoff 200, 400, 800 ms, each jittered to [d/2, d)
    expect(gaps[0], "the first 410 relists at once").to.be.below(150);
    expect(gaps[2], "the third waits at least half of 400 ms").to.be.at.least(200);
    expect(gaps[3], "the fourth waits at least half of 800 ms").to.be.at.least(400);
  });
});
