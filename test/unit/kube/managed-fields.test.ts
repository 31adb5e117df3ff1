/**
 * withoutManagedFields (src/kube/managed-fields.ts): the text of an object as the API server
 * encodes it, without metadata.managedFields, parses to the object stripForCache keeps; text
 * that merely mentions managedFields inside a string, or that ends early, is left alone.
 */
import { expect } from "chai";
import { withoutManagedFields } from "../../../src/kube/managed-fields.js";
import { stripForCache } from "../../../reconciler/informer/object-cache.js";
import type { KubeObject } from "../../../reconciler/client/kube-client.js";

/** A Deployment's managedFields as server-side apply writes them: keys with escaped quotes, brackets in strings. */
const MANAGED_FIELDS = [
  {
    manager: "discourse-operator",
    operation: "Apply",
    apiVersion: "apps/v1",
    time: "2026-12-03T09:00:00Z",
    fieldsType: "FieldsV1",
    fieldsV1: { "f:spec": { "f:template": { "f:spec": { "f:containers": { 'k:{"name":"web"}': { ".": {}, "f:env": { 'k:{"name":"X]}"}': { ".": {}, "f:name": {} } } } } } } } },
  },
  { manager: "kube-controller-manager", operation: "Update", subresource: "status", fieldsType: "FieldsV1", fieldsV1: { "f:status": { "f:conditions": { 'k:{"type":"Available"}': {} } } } },
];

function deployment(metadata: Record<string, unknown>): KubeObject {
  return {
    kind: "Deployment",
    apiVersion: "apps/v1",
    metadata: { name: "forum-web", namespace: "forums", uid: "u-1", resourceVersion: "42", ...metadata },
    spec: { replicas: 2, template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", env: [{ name: "X]}", value: '\\"[{' }] }] } } },
    status: { replicas: 2, conditions: [{ type: "Available", status: "True" }] },
  };
}

/** What the cache keeps of the object `json` encodes. */
const kept = (json: string): unknown => stripForCache(JSON.parse(json) as KubeObject);

describe("kube/managed-fields: withoutManagedFields", () => {
  it("cuts metadata.managedFields wherever it stands among metadata's members", () => {
    const placements: Array<Record<string, unknown>> = [
      { labels: { app: "web" }, managedFields: MANAGED_FIELDS, finalizers: ["x"] }, // between members
      { labels: { app: "web" }, managedFields: MANAGED_FIELDS }, // last
    ];
    for (const meta of placements) {
      const json = JSON.stringify(deployment(meta));
      const cut = withoutManagedFields(json);
      expect(cut.length).to.be.below(json.length);
      expect(JSON.parse(cut)).to.deep.equal(kept(json));
    }
    // first member of metadata, and metadata's only member
    for (const metadata of [{ managedFields: MANAGED_FIELDS, name: "a" }, { managedFields: MANAGED_FIELDS }]) {
      const json = JSON.stringify({ kind: "ConfigMap", metadata, data: { k: "v" } });
      expect(JSON.parse(withoutManagedFields(json))).to.deep.equal(kept(json));
    }
  });

  it("cuts the object's own in a watch event, and a custom resource's (sorted keys)", () => {
    const event = JSON.stringify({ type: "MODIFIED", object: deployment({ managedFields: MANAGED_FIELDS }) });
    const parsed = JSON.parse(withoutManagedFields(event)) as { type: string; object: KubeObject };
    expect(parsed.type).to.equal("MODIFIED");
    expect(parsed.object).to.deep.equal(stripForCache(deployment({ managedFields: MANAGED_FIELDS })));
    const cr = '{"apiVersion":"discourse.cern/v1alpha1","kind":"Discourse","metadata":{"annotations":{"a":"b"},"finalizers":["discourse.cern/finalizer"],"generation":3,"managedFields":[{"manager":"kubectl","fieldsV1":{"f:spec":{}}}],"name":"f"},"spec":{"hostname":"f.example.org"}}';
    expect(JSON.parse(withoutManagedFields(cr))).to.deep.equal(kept(cr));
  });

  it("leaves text that only mentions managedFields inside strings, and returns the very string", () => {
    const lastApplied = JSON.stringify({ metadata: { managedFields: [{ manager: "x" }] } });
    const json = JSON.stringify(deployment({ annotations: { "kubectl.kubernetes.io/last-applied-configuration": lastApplied, note: '"managedFields":[' } }));
    expect(withoutManagedFields(json)).to.equal(json);
  });

  it("skips a key that only ends in managedFields after an escaped quote", () => {
    const obj = { kind: "Thing", metadata: { name: "t", managedFields: MANAGED_FIELDS }, spec: { 'a"managedFields': [1, 2] } };
    const json = JSON.stringify({ kind: obj.kind, spec: obj.spec, metadata: obj.metadata });
    expect(json.indexOf('"managedFields":[')).to.be.below(json.indexOf('"metadata"'));
    expect(JSON.parse(withoutManagedFields(json))).to.deep.equal({ kind: "Thing", spec: { 'a"managedFields': [1, 2] }, metadata: { name: "t" } });
  });

  it("leaves a member named managedFields anywhere but the object's own metadata", () => {
    for (const o of [
      { kind: "Thing", metadata: { name: "t" }, spec: { managedFields: [1, 2] } },
      { kind: "Thing", metadata: { name: "t", labels: { a: "b" } }, spec: { template: { metadata: { managedFields: [{ manager: "m" }] } } } },
      { type: "ADDED", object: { kind: "Thing", metadata: { name: "t" }, spec: { metadata: { managedFields: [] } } } },
      { items: [{ metadata: { managedFields: [] } }] },
    ]) {
      const json = JSON.stringify(o);
      expect(withoutManagedFields(json)).to.equal(json);
    }
  });

  it("returns text that ends inside the array unchanged", () => {
    const json = JSON.stringify(deployment({ managedFields: MANAGED_FIELDS }));
    const truncated = json.slice(0, json.indexOf('"managedFields":[') + 40);
    expect(withoutManagedFields(truncated)).to.equal(truncated);
  });

  it("agrees with parse-then-strip on objects with hostile strings", () => {
    // strings of quotes, backslashes, brackets and braces, as keys and values, at every depth
    const alphabet = ['"', "\\", "[", "]", "{", "}", ":", ",", "a", "é", "managedFields", '"managedFields":['];
    let seed = 7;
    // a linear congruential generator modulo 2^32, read from its high bits (its low bits repeat with short periods)
    const rand = (n: number): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return Math.floor((seed / 2 ** 32) * n);
    };
    const str = (): string => Array.from({ length: rand(8) }, () => alphabet[rand(alphabet.length)]).join("");
    const value = (depth: number): unknown => {
      const r = rand(depth > 3 ? 2 : 4);
      if (r === 0) return str();
      if (r === 1) return rand(100);
      if (r === 2) return Array.from({ length: rand(4) }, () => value(depth + 1));
      return Object.fromEntries(Array.from({ length: rand(4) }, () => [str(), value(depth + 1)]));
    };
    let cut = 0;
    for (let i = 0; i < 300; i++) {
      const metadata: Record<string, unknown> = { name: str(), annotations: { [str()]: str() }, ownerReferences: [{ name: str(), uid: str() }] };
      if (rand(4) > 0) metadata.managedFields = [value(1), { fieldsV1: value(1) }];
      metadata.labels = { [str()]: str() };
      // sometimes a spec member named managedFields, which must stay
      const spec = rand(3) === 0 ? { managedFields: [value(1)], other: value(0) } : value(0);
      const obj = { kind: "K", metadata, spec, status: value(0) };
      if (withoutManagedFields(JSON.stringify(obj)) !== JSON.stringify(obj)) cut++;
      if (rand(2) === 0) {
        const json = JSON.stringify(obj);
        expect(JSON.parse(withoutManagedFields(json))).to.deep.equal(kept(json));
      } else {
        // a watch event: its object is the one cut
        const json = JSON.stringify({ type: "MODIFIED", object: obj });
        const event = JSON.parse(withoutManagedFields(json)) as { type: string; object: unknown };
        expect(event).to.deep.equal({ type: "MODIFIED", object: kept(JSON.stringify(obj)) });
      }
    }
    // about three in four objects have managedFields: the cut was made, not only skipped
    expect(cut).to.be.above(150);
  });
});
