/**
 * applyChild against a real ObjectCache: a child found to match its desired object is
 * marked on that version, and the next reconcile of the same desired object reads and
 * compares nothing; a new version (drift, a write) or a new desired object is read
 * and compared again (informer/object-cache.ts, "verified marks").
 */
import { expect } from "chai";
import { pino } from "pino";
import { applyChild, type ApplyContext } from "../../../reconciler/apply/apply-child.js";
import type { ChildStore } from "../../../reconciler/apply/child-store.js";
import type { KubeClient, KubeObject } from "../../../reconciler/client/kube-client.js";
import { EventRecorder, type EventSink } from "../../../reconciler/events/event-recorder.js";
import { childCacheDictionary } from "../../../reconciler/informer/cache-dictionary.js";
import { ObjectCache } from "../../../reconciler/informer/object-cache.js";

function world(): { ctx: ApplyContext; cache: ObjectCache; reads: () => number; writes: string[]; nextRv: () => string } {
  const cache = new ObjectCache({ compact: true, dictionary: childCacheDictionary() });
  let reads = 0;
  let rv = 0;
  const writes: string[] = [];
  const store: ChildStore = {
    get: (_kind, ns, name) => (reads++, cache.get(ns, name)),
    owned: () => [],
    withComponent: () => Promise.resolve([]),
    resourceVersion: (_kind, ns, name) => cache.resourceVersionOf(`${ns}/${name}`),
    covers: () => true,
    verified: (_kind, ns, name, token) => cache.verified(ns, name, token),
    markVerified: (live, token) => cache.markVerified(live.metadata.namespace, live.metadata.name, live.metadata.resourceVersion, token),
    remember: (obj) => cache.setIfNewer(obj),
  };
  const client = {
    apply: (obj: KubeObject) => {
      writes.push(`${obj.kind} ${obj.metadata.name}`);
      return Promise.resolve({ ...obj, metadata: { ...obj.metadata, resourceVersion: String(++rv) } });
    },
  } as unknown as KubeClient;
  const sink = { create: () => Promise.resolve({}), mergePatch: () => Promise.resolve({}) } as unknown as EventSink;
  const logger = pino({ level: "silent" });
  const owner = { apiVersion: "discourse.cern/v1alpha1", kind: "Discourse", metadata: { name: "f", namespace: "forums", uid: "u1" } } as KubeObject;
  return { ctx: { client, store, events: new EventRecorder(sink, logger), logger, owner }, cache, reads: () => reads, writes, nextRv: () => String(++rv) };
}

function env(data: Record<string, string>): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "f-env", namespace: "forums", labels: { app: "discourse" } }, data };
}

describe("applyChild and verified marks", () => {
  it("reads an unchanged child once, then not again until it or its desired object changes", async () => {
    const w = world();
    expect((await applyChild(w.ctx, env({ a: "1" }))).action).to.equal("created");
    const readsAfterCreate = w.reads();
    expect((await applyChild(w.ctx, env({ a: "1" }))).action).to.equal("unchanged");
    expect(w.reads() - readsAfterCreate, "the written copy is read and compared once").to.equal(1);
    const before = w.reads();
    for (let i = 0; i < 3; i++) expect((await applyChild(w.ctx, env({ a: "1" }))).action).to.equal("unchanged");
    expect(w.reads() - before, "a verified version is not read again").to.equal(0);
    expect(w.writes).to.deep.equal(["ConfigMap f-env"]);

    // drift: someone changed the data; the watch event stores a new version, unmarked
    const live = w.cache.get("forums", "f-env") as KubeObject & { data: Record<string, string> };
    w.cache.set({ ...live, metadata: { ...live.metadata, resourceVersion: w.nextRv() }, data: { a: "edited" } });
    expect((await applyChild(w.ctx, env({ a: "1" }))).action).to.equal("corrected");
    expect(w.writes).to.have.length(2);

    // a new desired object is compared even against a marked version
    expect((await applyChild(w.ctx, env({ a: "1" }))).action).to.equal("unchanged");
    expect((await applyChild(w.ctx, env({ a: "2" }))).action).to.equal("updated");
    expect(w.writes).to.have.length(3);
  });

  it("never skips a child that does not exist", async () => {
    const w = world();
    await applyChild(w.ctx, env({ a: "1" }));
    await applyChild(w.ctx, env({ a: "1" }));
    w.cache.delete("forums", "f-env");
    expect((await applyChild(w.ctx, env({ a: "1" }))).action).to.equal("created");
  });
});
