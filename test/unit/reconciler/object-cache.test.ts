/**
 * stripForCache and the ObjectCache: cached objects carry no managedFields and no
 * last-applied annotation; a compact cache hands out equal, fresh objects; the index
 * follows every write and delete.
 */
import { expect } from "chai";
import type { KubeObject } from "../../../reconciler/client/kube-client.js";
import { LAST_APPLIED_ANNOTATION, ObjectCache, stripForCache, TOMBSTONE_TTL_MS } from "../../../reconciler/informer/object-cache.js";
import { childCacheDictionary } from "../../../reconciler/informer/cache-dictionary.js";
import { buildAll } from "../../../reconciler/builders/index.js";
import { marketplace } from "../builders/fixtures.js";

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
  ];
  for (const compact of [false, true]) {
    for (const w of writes) {
      it(`${w.name}${compact ? " (compact)" : ""}`, () => {
        const cache = new ObjectCache({ compact });
        w.write(cache, configMap({ managedFields, annotations: { [LAST_APPLIED_ANNOTATION]: "{}", keep: "me" } }));
        expect(cache.list()).to.deep.equal([configMap({ annotations: { keep: "me" } })]);
        expect(cache.get("forums", "f-env")).to.deep.equal(configMap({ annotations: { keep: "me" } }));
      });
    }
  }
});

describe("ObjectCache (compact)", () => {
  it("hands out a fresh copy on every read: a caller that changes one cannot change the cache", () => {
    const cache = new ObjectCache({ compact: true });
    cache.set(configMap({}));
    const first = cache.get("forums", "f-env") as KubeObject & { data: Record<string, string> };
    first.data.a = "changed";
    expect(cache.get("forums", "f-env")).to.deep.equal(configMap({}));
    expect(cache.get("forums", "f-env")).not.to.equal(cache.get("forums", "f-env"));
  });

  it("set returns the previous object and delete the removed one, parsed", () => {
    const cache = new ObjectCache({ compact: true });
    expect(cache.set(configMap({}))).to.equal(undefined);
    expect(cache.set(configMap({ resourceVersion: "11" }))).to.deep.equal(configMap({}));
    expect(cache.resourceVersionOf("forums/f-env")).to.equal("11");
    expect(cache.has("forums/f-env")).to.equal(true);
    expect(cache.delete("forums", "f-env")).to.deep.equal(configMap({ resourceVersion: "11" }));
    expect(cache.has("forums/f-env")).to.equal(false);
    expect(cache.size).to.equal(0);
    expect(cache.delete("forums", "f-env")).to.equal(undefined);
  });

  it("setIfNewer keeps the newer resourceVersion", () => {
    const cache = new ObjectCache({ compact: true });
    cache.set(configMap({ resourceVersion: "20" }));
    cache.setIfNewer(configMap({ resourceVersion: "19" }));
    expect(cache.resourceVersionOf("forums/f-env")).to.equal("20");
    cache.setIfNewer(configMap({ resourceVersion: "21" }));
    expect(cache.resourceVersionOf("forums/f-env")).to.equal("21");
  });

  it("setIfNewer never puts back an object deleted at its resourceVersion or later; a newer one (re-created) is stored", () => {
    const cache = new ObjectCache({ compact: true });
    cache.set(configMap({ resourceVersion: "20" }));
    cache.delete("forums", "f-env", "22"); // the DELETED event
    cache.setIfNewer(configMap({ resourceVersion: "21" })); // a write's answer that trailed it
    expect(cache.has("forums/f-env"), "an older answer").to.equal(false);
    cache.setIfNewer(configMap({ resourceVersion: "22" })); // the update that removed the last finalizer and deleted
    expect(cache.has("forums/f-env"), "the deletion's own version").to.equal(false);
    cache.setIfNewer(configMap({ resourceVersion: "23" }));
    expect(cache.resourceVersionOf("forums/f-env"), "created again after the deletion").to.equal("23");
  });

  it("without the deletion's resourceVersion, the tombstone holds the last copy's; set (the watch) always stores", () => {
    const cache = new ObjectCache();
    cache.set(configMap({ resourceVersion: "30" }));
    cache.delete("forums", "f-env");
    cache.setIfNewer(configMap({ resourceVersion: "30" }));
    expect(cache.has("forums/f-env")).to.equal(false);
    cache.set(configMap({ resourceVersion: "5" }));
    expect(cache.resourceVersionOf("forums/f-env"), "the watch is never second-guessed").to.equal("5");
    expect(cache.tombstoneCount).to.equal(0);
  });

  it("a tombstone expires after TOMBSTONE_TTL_MS", () => {
    const realNow = Date.now;
    let now = 1_000_000;
    Date.now = () => now;
    try {
      const cache = new ObjectCache();
      cache.delete("forums", "f-env", "40");
      cache.delete("forums", "other", "41");
      expect(cache.tombstoneCount).to.equal(2);
      now += TOMBSTONE_TTL_MS - 1;
      cache.setIfNewer(configMap({ resourceVersion: "39" }));
      expect(cache.has("forums/f-env"), "still refused just before it expires").to.equal(false);
      now += 1;
      cache.setIfNewer(configMap({ resourceVersion: "39" }));
      expect(cache.has("forums/f-env"), "stored once it expired").to.equal(true);
      expect(cache.tombstoneCount).to.equal(0);
    } finally {
      Date.now = realNow;
    }
  });
});

describe("ObjectCache (compact, with the child dictionary)", () => {
  it("every child of a forum reads back equal, and the cache holds a small part of its JSON", () => {
    // One cache per kind, as the informers have (a Service and a Deployment share a name).
    const caches = new Map<string, ObjectCache>();
    const cacheOf = (kind: string): ObjectCache => caches.get(kind) ?? caches.set(kind, new ObjectCache({ compact: true, dictionary: childCacheDictionary() })).get(kind)!;
    const children: KubeObject[] = [];
    for (const c of buildAll(marketplace())) if (c.object) children.push(JSON.parse(JSON.stringify({ ...c.object, apiVersion: c.apiVersion, kind: c.kind })) as KubeObject);
    let json = 0;
    for (const c of children) {
      cacheOf(c.kind).set(c);
      json += JSON.stringify(c).length;
    }
    for (const c of children) expect(cacheOf(c.kind).get(c.metadata.namespace, c.metadata.name), c.metadata.name).to.deep.equal(c);
    const held = [...caches.values()].flatMap((cache) => [...(cache as unknown as { items: Map<string, { value: string }> }).items.values()]);
    const bytes = held.reduce((n, e) => n + e.value.length, 0);
    expect(bytes, `${bytes} bytes held for ${json} bytes of JSON`).to.be.below(json / 4);
  });
});

describe("ObjectCache index", () => {
  const owner = (o: KubeObject): string[] => {
    const forum = o.metadata.labels?.forum;
    return forum ? [`forums/${forum}`] : [];
  };
  const cm = (name: string, forum?: string): KubeObject => configMap({ name, ...(forum ? { labels: { forum } } : {}) });

  it("lists the objects filed under a value, and follows relabels and deletes", () => {
    const cache = new ObjectCache({ compact: true, indexBy: owner });
    cache.set(cm("a-env", "a"));
    cache.set(cm("a-init", "a"));
    cache.set(cm("b-env", "b"));
    cache.set(cm("loose"));
    const names = (v: string): string[] => cache.indexed(v).map((o) => o.metadata.name).sort();
    expect(names("forums/a")).to.deep.equal(["a-env", "a-init"]);
    expect(names("forums/b")).to.deep.equal(["b-env"]);
    cache.set(cm("a-init", "b"));
    expect(names("forums/a")).to.deep.equal(["a-env"]);
    expect(names("forums/b")).to.deep.equal(["a-init", "b-env"]);
    cache.delete("forums", "a-env");
    expect(names("forums/a")).to.deep.equal([]);
    expect(cache.keys().sort()).to.deep.equal(["forums/a-init", "forums/b-env", "forums/loose"]);
  });

  it("is empty without indexBy", () => {
    const cache = new ObjectCache();
    cache.set(cm("a-env", "a"));
    expect(cache.indexed("forums/a")).to.deep.equal([]);
  });
});

describe("ObjectCache verified marks", () => {
  it("holds a mark on the version it was made on, and loses it with any new copy", () => {
    const cache = new ObjectCache({ compact: true });
    cache.set(configMap({ resourceVersion: "30" }));
    expect(cache.verified("forums", "f-env", "digest-1")).to.equal(false);
    cache.markVerified("forums", "f-env", "29", "digest-1");
    expect(cache.verified("forums", "f-env", "digest-1"), "a mark made on an older version is dropped").to.equal(false);
    cache.markVerified("forums", "f-env", "30", "digest-1");
    expect(cache.verified("forums", "f-env", "digest-1")).to.equal(true);
    expect(cache.verified("forums", "f-env", "digest-2"), "another desired object").to.equal(false);
    cache.set(configMap({ resourceVersion: "30" }));
    expect(cache.verified("forums", "f-env", "digest-1"), "a relist's copy starts unmarked").to.equal(false);
    cache.markVerified("forums", "f-env", "30", "digest-1");
    cache.setIfNewer(configMap({ resourceVersion: "31" }));
    expect(cache.verified("forums", "f-env", "digest-1"), "a newer version").to.equal(false);
    cache.markVerified("forums", "f-env", "31", "digest-1");
    cache.delete("forums", "f-env");
    expect(cache.verified("forums", "f-env", "digest-1"), "deleted").to.equal(false);
    cache.markVerified("forums", "f-env", "31", "digest-1");
    expect(cache.size, "a mark never creates an entry").to.equal(0);
  });
});
