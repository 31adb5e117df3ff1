/**
 * SettledChildren against real caches (ObjectCache, compact as in the reconciler) and the
 * real applyChildren and builders: a forum whose children were all found as desired is
 * remembered, and the memory holds only while nothing changed, neither the inputs nor any
 * child (a drift, a deletion, a Job gone, a child no longer wanted that appears).
 */
import { expect } from "chai";
import { pino } from "pino";
import type { ApplyContext } from "../../../reconciler/apply/apply-child.js";
import type { ChildStore } from "../../../reconciler/apply/child-store.js";
import { buildAll, type DesiredChild } from "../../../reconciler/builders/index.js";
import type { KubeClient, KubeObject } from "../../../reconciler/client/kube-client.js";
import { EventRecorder, type EventSink } from "../../../reconciler/events/event-recorder.js";
import { childCacheDictionary } from "../../../reconciler/informer/cache-dictionary.js";
import { ObjectCache, objectKey } from "../../../reconciler/informer/object-cache.js";
import { applyChildren } from "../../../reconciler/steps/apply-children.js";
import { SettledChildren } from "../../../reconciler/steps/settled-children.js";
import { rootForum } from "../builders/fixtures.js";

const NS = "forums";
const FORUM = `${NS}/root-forum`;
const INPUTS = "inputs-1";

function world() {
  const caches = new Map<string, ObjectCache>();
  const cache = (kind: string): ObjectCache => {
    let c = caches.get(kind);
    if (!c) caches.set(kind, (c = new ObjectCache({ compact: true, dictionary: childCacheDictionary() })));
    return c;
  };
  let rv = 0;
  const writes: string[] = [];
  const store: ChildStore = {
    get: (kind, ns, name) => cache(kind).get(ns, name),
    owned: () => [],
    withComponent: () => Promise.resolve([]),
    resourceVersion: (kind, ns, name) => cache(kind).resourceVersionOf(objectKey(ns, name)),
    covers: () => true,
    verified: (kind, ns, name, token) => cache(kind).verified(ns, name, token),
    markVerified: (live, token) => cache(live.kind).markVerified(live.metadata.namespace, live.metadata.name, live.metadata.resourceVersion, token),
    remember: (obj) => cache(obj.kind).setIfNewer(obj),
  };
  const client = {
    apply: (obj: KubeObject) => {
      writes.push(`${obj.kind} ${obj.metadata.name}`);
      return Promise.resolve({ ...obj, metadata: { ...obj.metadata, resourceVersion: String(++rv) } });
    },
  } as unknown as KubeClient;
  const sink = { create: (o: unknown) => Promise.resolve(o), mergePatch: () => Promise.resolve({}) } as unknown as EventSink;
  const logger = pino({ level: "silent" });
  const owner = rootForum() as unknown as KubeObject;
  const ctx: ApplyContext = { client, store, events: new EventRecorder(sink, logger), logger, owner };
  // the forum with its pre-deployment migration due: a create-only Job among the children;
  // no Secret to adopt (reconcile.ts keeps only those that exist); no Route (Ingress)
  const children: DesiredChild[] = buildAll(rootForum(), { migration: "pre" }).filter((c) => c.kind !== "Secret");
  // the claims the StatefulSet controller makes from the volumeClaimTemplates: the builders'
  // resize entries patch them only if they exist (adopt-only)
  for (const c of children.filter((x) => x.mode === "patchIfExists" && x.object)) {
    const o = c.object as unknown as KubeObject;
    cache(c.kind).set({ ...o, metadata: { ...o.metadata, resourceVersion: String(++rv) } });
  }
  const settled = new SettledChildren();
  /** One reconcile's step 9, as reconcile.ts runs it. */
  const reconcileChildren = async (inputs = INPUTS): Promise<boolean> => {
    if (settled.unchanged(FORUM, inputs, store, NS)) return true;
    const result = await applyChildren(ctx, children, []);
    settled.record(FORUM, inputs, result.actions, result.error !== undefined, store, NS);
    return false;
  };
  const nextRv = (): string => String(++rv);
  return { cache, store, writes, settled, children, reconcileChildren, nextRv };
}

/** A settled forum: created, then found as desired once (which marks every child verified). */
async function settledWorld() {
  const w = world();
  expect(await w.reconcileChildren(), "first reconcile creates").to.equal(false);
  expect(w.settled.size, "a reconcile that wrote is not remembered").to.equal(0);
  expect(await w.reconcileChildren(), "second reconcile compares").to.equal(false);
  expect(w.settled.size).to.equal(1);
  expect(await w.reconcileChildren(), "third reconcile is settled").to.equal(true);
  return w;
}

function childOf(w: ReturnType<typeof world>, kind: string): DesiredChild {
  const c = w.children.find((x) => x.kind === kind && x.object !== null);
  if (!c) throw new Error(`no ${kind} among the children`);
  return c;
}

describe("SettledChildren", () => {
  it("remembers a forum whose children were all found as desired, and the memory holds while nothing changes", async () => {
    const w = await settledWorld();
    const writes = w.writes.length;
    for (let i = 0; i < 3; i++) expect(await w.reconcileChildren()).to.equal(true);
    expect(w.writes.length, "nothing written").to.equal(writes);
    expect(w.children.some((c) => c.kind === "Job" && c.object !== null), "a create-only Job is among them").to.equal(true);
    expect(w.children.some((c) => c.object === null), "a child no longer wanted is among them").to.equal(true);
  });

  it("does not hold for other inputs (a new version of the Discourse, another plan)", async () => {
    const w = await settledWorld();
    expect(await w.reconcileChildren("inputs-2")).to.equal(false);
    expect(await w.reconcileChildren("inputs-2"), "remembered again for the new inputs").to.equal(true);
    expect(await w.reconcileChildren(INPUTS), "the old inputs are forgotten").to.equal(false);
  });

  it("does not hold once a child drifted, and the full path corrects it", async () => {
    const w = await settledWorld();
    const svc = childOf(w, "Service");
    const live = w.cache("Service").get(NS, svc.name) as KubeObject & { spec: { ports: unknown[] } };
    w.cache("Service").set({ ...live, metadata: { ...live.metadata, resourceVersion: w.nextRv() }, spec: { ...live.spec, ports: [] } });
    const before = w.writes.length;
    expect(await w.reconcileChildren()).to.equal(false);
    expect(w.writes.slice(before), "the drifted Service is written back").to.deep.equal([`Service ${svc.name}`]);
  });

  it("does not hold once a child is deleted, nor once a create-only Job is gone", async () => {
    for (const kind of ["ConfigMap", "Job"]) {
      const w = await settledWorld();
      const child = childOf(w, kind);
      w.cache(kind).delete(NS, child.name, w.nextRv());
      const before = w.writes.length;
      expect(await w.reconcileChildren(), kind).to.equal(false);
      expect(w.writes.slice(before), `the deleted ${kind} is created again`).to.deep.equal([`${kind} ${child.name}`]);
    }
  });

  it("does not hold once a child no longer wanted appears", async () => {
    const w = await settledWorld();
    const gone = w.children.find((c) => c.object === null) as DesiredChild;
    w.cache(gone.kind).set({ apiVersion: gone.apiVersion, kind: gone.kind, metadata: { name: gone.name, namespace: NS, resourceVersion: w.nextRv() } });
    expect(await w.reconcileChildren()).to.equal(false);
  });

  it("forgets a forum whose reconcile failed to write a child", async () => {
    const w = await settledWorld();
    w.settled.record(FORUM, INPUTS, [], true, w.store, NS);
    expect(w.settled.size).to.equal(0);
    expect(await w.reconcileChildren()).to.equal(false);
  });
});
