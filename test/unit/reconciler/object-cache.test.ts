/** stripForCache and the ObjectCache: cached objects carry no managedFields and no last-applied annotation. */
import { expect } from "chai";
import type { KubeObject } from "../../../reconciler/client/kube-client.js";
import { LAST_APPLIED_ANNOTATION, ObjectCache, stripForCache } from "../../../reconciler/informer/object-cache.js";

const managedFields = [{ manager: "discourse-operator", operation: "Apply", fieldsType: "FieldsV1", fieldsV1: { "f:data": { "f:a": {} } } }];

function configMap(meta: Record<string, unknown>): KubeObject {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "f-env", namespace: "forums", resourceVersion: "10", ...meta }, data: { a: "1" } };
}

describe("stripForCache", () => {
  const cases = [
    {
      name: "drops metadata.managedFields",
      in: configMap({ managedFields, labels: { x: "1" } }),
      want: configMap({ labels: { x: "1" } }),
    },
    {
      name: "drops the last-applied annotation, keeps the others",
      in: configMap({ annotations: { [LAST_APPLIED_ANNOTATION]: '{"kind":"ConfigMap"}', "discourse.cern/applied-hash": "abc" } }),
      want: configMap({ annotations: { "discourse.cern/applied-hash": "abc" } }),
    },
    {
      name: "both at once; an annotations map left empty stays (empty)",
      in: configMap({ managedFields, annotations: { [LAST_APPLIED_ANNOTATION]: "{}" } }),
      want: configMap({ annotations: {} }),
    },
    {
      name: "an object with neither is unchanged",
      in: configMap({ annotations: { a: "b" } }),
      want: configMap({ annotations: { a: "b" } }),
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const before = JSON.stringify(c.in);
      expect(stripForCache(c.in)).to.deep.equal(c.want);
      expect(JSON.stringify(c.in), "the input is not changed").to.equal(before);
    });
  }

  it("returns the same object (no copy) when there is nothing to strip", () => {
    const obj = configMap({ labels: { a: "b" } });
    expect(stripForCache(obj)).to.equal(obj);
  });
});

describe("ObjectCache stores stripped objects", () => {
  const writes: { name: string; write: (c: ObjectCache, o: KubeObject) => void }[] = [
    { name: "set", write: (c, o) => void c.set(o) },
    { name: "setIfNewer (the answer to a write)", write: (c, o) => c.setIfNewer(o) },
    { name: "replaceAll (a relist)", write: (c, o) => void c.replaceAll([o]) },
  ];
  for (const w of writes) {
    it(w.name, () => {
      const cache = new ObjectCache();
      w.write(cache, configMap({ managedFields, annotations: { [LAST_APPLIED_ANNOTATION]: "{}", keep: "me" } }));
      expect(cache.list()).to.deep.equal([configMap({ annotations: { keep: "me" } })]);
    });
  }
});
