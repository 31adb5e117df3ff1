/**
 * The informer and the echo of the reconciler's own write: the write's answer is cached
 * first (ChildStore.remember); its watch event, at the same resourceVersion, is not
 * stored again (the verified mark on that version survives) and reaches the handlers
 * as an update to itself, which changes nothing. A newer version is stored and handed
 * over with the previous copy. The watch lines are fed to the informer directly: the
 * order of a write's answer and its watch event is not under a test's control on a
 * real server (test/integration/reconciler/informer.test.ts covers the watch itself).
 */
import { expect } from "chai";
import { pino } from "pino";
import type { KubeClient, KubeObject } from "../../../reconciler/client/kube-client.js";
import { Informer } from "../../../reconciler/informer/informer.js";
import { childChanged } from "../../../reconciler/informer/owner-key.js";

function configMap(rv: string, a: string): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "f-env", namespace: "forums", resourceVersion: rv }, data: { a } };
}

describe("Informer and the echo of an own write", () => {
  it("does not store an echo again, and hands it over as a change to nothing", () => {
    const inf = new Informer({ client: {} as KubeClient, apiVersion: "v1", kind: "ConfigMap", logger: pino({ level: "silent" }), cache: { compact: true } });
    const seen: Array<{ event: string; changed: boolean; rv?: string }> = [];
    inf.on((event, obj, old) => seen.push({ event, changed: childChanged(obj, old), rv: old?.metadata.resourceVersion }));
    const feed = (type: string, object: KubeObject): void => (inf as unknown as { handleLine(l: { type: string; object: KubeObject }): void }).handleLine({ type, object });

    inf.cache.setIfNewer(configMap("5", "1")); // the answer of the reconciler's write
    inf.cache.markVerified("forums", "f-env", "5", "digest");
    feed("ADDED", configMap("5", "1"));
    expect(seen).to.deep.equal([{ event: "update", changed: false, rv: "5" }]);
    expect(inf.cache.verified("forums", "f-env", "digest"), "the cached version was not replaced").to.equal(true);

    feed("MODIFIED", configMap("6", "2"));
    expect(seen[1]).to.deep.equal({ event: "update", changed: true, rv: "5" });
    expect(inf.cache.verified("forums", "f-env", "digest")).to.equal(false);
    expect(inf.cache.get("forums", "f-env")).to.deep.include({ data: { a: "2" } });
  });

  it("never puts back a copy older than a write's answer, and has its owner reconciled", () => {
    const inf = new Informer({ client: {} as KubeClient, apiVersion: "v1", kind: "ConfigMap", logger: pino({ level: "silent" }), cache: { compact: true } });
    const seen: Array<{ event: string; changed: boolean; rv?: string }> = [];
    inf.on((event, obj, old) => seen.push({ event, changed: childChanged(obj, old), rv: old?.metadata.resourceVersion }));
    const feed = (type: string, object: KubeObject): void => (inf as unknown as { handleLine(l: { type: string; object: KubeObject }): void }).handleLine({ type, object });

    inf.cache.set(configMap("7", "hand-edited"));
    inf.cache.setIfNewer(configMap("9", "1")); // the reconciler's correction, answered before the watch caught up
    feed("MODIFIED", configMap("8", "hand-edited")); // another writer's change, older than the answer
    expect(inf.cache.get("forums", "f-env")).to.deep.include({ data: { a: "1" } });
    expect(inf.cache.resourceVersionOf("forums/f-env")).to.equal("9");
    expect(seen).to.deep.equal([{ event: "update", changed: true, rv: undefined }]);
    feed("MODIFIED", configMap("9", "1")); // the correction's echo
    expect(seen[1]).to.deep.equal({ event: "update", changed: false, rv: "9" });
  });

  it("a write's answer that comes after the deletion's watch event does not bring the object back", () => {
    // A Discourse whose last finalizer the reconciler removed: the API server deletes it in
    // that very update, and the DELETED event can be handled before the patch's answer.
    const inf = new Informer({ client: {} as KubeClient, apiVersion: "v1", kind: "ConfigMap", logger: pino({ level: "silent" }), cache: {} });
    const seen: string[] = [];
    inf.on((event) => seen.push(event));
    const feed = (type: string, object: KubeObject): void => (inf as unknown as { handleLine(l: { type: string; object: KubeObject }): void }).handleLine({ type, object });

    feed("ADDED", configMap("10", "1"));
    feed("DELETED", configMap("11", "1"));
    inf.cache.setIfNewer(configMap("11", "1")); // the finalizer patch's answer, late
    expect(inf.cache.get("forums", "f-env")).to.equal(undefined);
    expect(seen).to.deep.equal(["add", "delete"]);
    feed("ADDED", configMap("12", "new")); // created again under the same name
    expect(inf.cache.get("forums", "f-env")).to.deep.include({ data: { a: "new" } });
  });
});
