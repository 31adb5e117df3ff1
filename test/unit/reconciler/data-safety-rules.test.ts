import { expect } from "chai";
import type { KubeObject } from "../../../reconciler/client/kube-client.js";
import { keptOwnerReferences, retainableSelector } from "../../../reconciler/steps/finalize.js";
import { hostnameHolder } from "../../../reconciler/steps/hostname-holder.js";
import { findOrphanSecrets } from "../../../reconciler/steps/orphan-secrets.js";
import { mayGenerateCredentials, newAppSecrets, secretOwner } from "../../../reconciler/steps/secrets.js";
import { jittered } from "../../../reconciler/informer/informer.js";
import { rootForum, withSpec } from "../builders/fixtures.js";
import { buildAppSecretsAdoption } from "../../../reconciler/builders/credentials-secret.js";
import { APPLIED_HASH_ANNOTATION, appliedHash } from "../../../reconciler/apply/applied-hash.js";
import { findDrift } from "../../../reconciler/apply/compare.js";

const OP = { "app.kubernetes.io/managed-by": "discourse-operator" };

function secret(name: string, labels?: Record<string, string>, extra: Partial<KubeObject["metadata"]> = {}): KubeObject {
  return { apiVersion: "v1", kind: "Secret", metadata: { name, namespace: "ns", ...(labels ? { labels } : {}), ...extra } };
}

function forum(name: string, hostname: string, created: string, uid: string): KubeObject {
  return { apiVersion: "discourse.cern/v1alpha1", kind: "Discourse", metadata: { name, namespace: "ns", uid, creationTimestamp: created }, spec: { hostname } };
}

describe("secretOwner: the operator owns a Secret only if it made it for this forum", () => {
  const cases: { name: string; s: KubeObject | undefined; want: string }[] = [
    { name: "absent", s: undefined, want: "absent" },
    { name: "both labels, this forum", s: secret("a", { ...OP, "app.kubernetes.io/instance": "f" }), want: "this-forum" },
    { name: "both labels, another forum", s: secret("a", { ...OP, "app.kubernetes.io/instance": "g" }), want: "another-forum" },
    { name: "instance label only (a user's)", s: secret("a", { "app.kubernetes.io/instance": "f" }), want: "not-the-operators" },
    { name: "managed-by only", s: secret("a", OP), want: "not-the-operators" },
    { name: "no labels", s: secret("a"), want: "not-the-operators" },
    { name: "another manager", s: secret("a", { "app.kubernetes.io/managed-by": "helm", "app.kubernetes.io/instance": "f" }), want: "not-the-operators" },
  ];
  for (const c of cases) it(c.name, () => expect(secretOwner(c.s, "f")).to.equal(c.want));
});

describe("mayGenerateCredentials", () => {
  const cases = [
    { name: "managed database", obj: rootForum(), want: true },
    { name: "external with adminSecret (db-init creates the role with it)", obj: withSpec(rootForum(), (s) => { s.database.host = "db.cern.ch"; s.database.adminSecret = "admin"; }), want: true },
    { name: "external without adminSecret: only the user knows the password", obj: withSpec(rootForum(), (s) => { s.database.host = "db.cern.ch"; delete s.database.adminSecret; }), want: false },
  ];
  for (const c of cases) it(c.name, () => expect(mayGenerateCredentials(c.obj)).to.equal(c.want));
});

describe("newAppSecrets", () => {
  it("Opaque, secret_key_base of 128 hex characters, fresh each time, labelled app-secrets", () => {
    const a = newAppSecrets(rootForum());
    const b = newAppSecrets(rootForum());
    const key = (s: KubeObject): string => (s.stringData as Record<string, string>).secret_key_base ?? "";
    expect(a.type).to.equal("Opaque");
    expect(key(a)).to.match(/^[0-9a-f]{128}$/);
    expect(key(a)).to.not.equal(key(b));
    expect(a.metadata).to.deep.include({ name: "root-forum-app-secrets" });
    expect(a.metadata.labels).to.include({ ...OP, "app.kubernetes.io/instance": "root-forum", "app.kubernetes.io/component": "app-secrets" });
    expect(a.metadata.ownerReferences).to.equal(undefined);
  });

  it("under Retain carries its adoption's labels and digest, so the adoption finds it unchanged; under Delete not the digest", () => {
    const retained = rootForum();
    const adoption = buildAppSecretsAdoption(retained) as unknown as KubeObject;
    const made = newAppSecrets(retained);
    expect(made.metadata.annotations?.[APPLIED_HASH_ANNOTATION]).to.equal(appliedHash(adoption));
    expect(findDrift(adoption, made)).to.deep.equal([]);
    const deleted = withSpec(rootForum(), (s) => { s.deletionPolicy = "Delete"; });
    const later = newAppSecrets(deleted);
    expect(later.metadata.annotations).to.equal(undefined);
    expect(later.metadata.ownerReferences).to.equal(undefined);
    expect(findDrift(buildAppSecretsAdoption(deleted), later)).to.not.deep.equal([]);
  });
});

describe("hostnameHolder: the oldest forum keeps a shared hostname", () => {
  const old = forum("old", "h.cern.ch", "2026-01-01T00:00:00Z", "b");
  const twin = forum("twin", "h.cern.ch", "2026-01-01T00:00:00Z", "a");
  const young = forum("young", "H.cern.ch", "2026-02-01T00:00:00Z", "c");
  const other = forum("other", "x.cern.ch", "2025-01-01T00:00:00Z", "d");
  const cases = [
    { name: "alone", obj: old, all: [old, other], want: undefined },
    { name: "the older holds it against a younger", obj: old, all: [old, young], want: undefined },
    { name: "the younger is refused, told who holds it", obj: young, all: [old, young, other], want: "old" },
    { name: "same second: the smaller uid holds it", obj: old, all: [old, twin], want: "twin" },
    { name: "same second, the smaller uid", obj: twin, all: [old, twin, young], want: undefined },
  ];
  for (const c of cases) it(c.name, () => expect(hostnameHolder(c.obj, c.all)?.metadata.name).to.equal(c.want));
});

describe("keptOwnerReferences: a retained child loses the forum's owners only", () => {
  it("drops the Discourse and the forum's StatefulSets, keeps others", () => {
    const owner = forum("f", "h", "2026-01-01T00:00:00Z", "u1");
    const child = secret("c", OP, {
      ownerReferences: [
        { apiVersion: "discourse.cern/v1alpha1", kind: "Discourse", name: "f", uid: "u1" },
        { apiVersion: "apps/v1", kind: "StatefulSet", name: "f-postgresql", uid: "u2" },
        { apiVersion: "v1", kind: "ConfigMap", name: "keep-me", uid: "u3" },
      ],
    });
    expect(keptOwnerReferences(child, owner).map((r) => r.name)).to.deep.equal(["keep-me"]);
    expect(retainableSelector("f")).to.equal("app.kubernetes.io/managed-by=discourse-operator,app.kubernetes.io/instance=f");
  });
});

describe("findOrphanSecrets: only the operator's credentials Secrets", () => {
  const now = Date.parse("2026-01-01T01:00:00Z");
  const old = { creationTimestamp: "2026-01-01T00:00:00Z" };
  const cases = [
    { name: "made by the webhook, forum never created", s: secret("a", { ...OP, "app.kubernetes.io/instance": "gone" }, old), orphan: true },
    { name: "adopted credentials (component database)", s: secret("a", { ...OP, "app.kubernetes.io/instance": "gone", "app.kubernetes.io/component": "database" }, old), orphan: true },
    { name: "app-secrets: only made for a forum that existed", s: secret("a", { ...OP, "app.kubernetes.io/instance": "gone", "app.kubernetes.io/component": "app-secrets" }, old), orphan: false },
    { name: "a user's Secret", s: secret("a", { "app.kubernetes.io/instance": "gone" }, old), orphan: false },
    { name: "retained", s: secret("a", { ...OP, "app.kubernetes.io/instance": "gone", "discourse.cern/retained": "true" }, old), orphan: false },
    { name: "its forum exists", s: secret("a", { ...OP, "app.kubernetes.io/instance": "here" }, old), orphan: false },
    { name: "younger than the grace", s: secret("a", { ...OP, "app.kubernetes.io/instance": "gone" }, { creationTimestamp: "2026-01-01T00:59:00Z" }), orphan: false },
  ];
  for (const c of cases) it(c.name, () => expect(findOrphanSecrets([c.s], (_ns, n) => n === "here", 600_000, now).length).to.equal(c.orphan ? 1 : 0));
});

describe("jittered backoff", () => {
  it("stays within [d/2, d)", () => {
    expect(jittered(1000, () => 0)).to.equal(500);
    expect(jittered(1000, () => 0.999)).to.equal(999);
  });
});
