/**
 * Transition rules through validate(new, old, …, "UPDATE") and delete rules
 * through validate(…, old, …, "DELETE"), asserting the whole result.
 */
import { expect } from "chai";
import type { Discourse } from "../../../src/api/types.js";
import { validate } from "../../../webhooks/validation/validate.js";
import type { Operation, ValidationFacts, ValidationResult } from "../../../webhooks/validation/types.js";
import { err, forum, result } from "./forum.js";

interface Case {
  name: string;
  obj: Discourse | undefined;
  old: Discourse | undefined;
  facts?: ValidationFacts;
  want: ValidationResult;
}

function run(table: string, operation: Operation, cases: Case[]): void {
  describe(table, () => {
    for (const c of cases) {
      it(c.name, () => {
        expect(validate(c.obj, c.old, c.facts ?? { otherHostnames: [] }, operation)).to.deep.equal(c.want);
      });
    }
  });
}

const DOWNGRADE = (from: string, to: string): ValidationResult =>
  result([
    err("FieldValueForbidden", "spec.version", `Forbidden: may not go down from ${from} to ${to} unless the object is annotated discourse.cern/allow-downgrade: "true"`),
  ]);
const allow = { annotations: { "discourse.cern/allow-downgrade": "true" } };

run("UPDATE spec.version", "UPDATE", [
  { name: "an upgrade passes", obj: forum({ version: "3.5.3" }), old: forum({ version: "3.5.2" }), want: result() },
  { name: "3.5.2 → 2026.7.0 is an upgrade (numeric, not lexical)", obj: forum({ version: "2026.7.0" }), old: forum({ version: "3.5.2" }), want: result() },
  { name: "3.10.0 > 3.9.9", obj: forum({ version: "3.10.0" }), old: forum({ version: "3.9.9" }), want: result() },
  { name: "the same version passes", obj: forum({ version: "3.5.2" }), old: forum({ version: "3.5.2" }), want: result() },
  // discourse lib/version.rb: before calendar versions, pre-releases were MAJOR.MINOR.TINY.betaN.
  { name: "3.5.0.beta1 → 3.5.0.beta2 is an upgrade", obj: forum({ version: "3.5.0.beta2" }), old: forum({ version: "3.5.0.beta1" }), want: result() },
  { name: "3.5.0.beta10 → 3.5.0.beta9 is a downgrade", obj: forum({ version: "3.5.0.beta9" }), old: forum({ version: "3.5.0.beta10" }), want: DOWNGRADE("3.5.0.beta10", "3.5.0.beta9") },
  { name: "3.5.0.beta8 → 3.5.0 is an upgrade", obj: forum({ version: "3.5.0" }), old: forum({ version: "3.5.0.beta8" }), want: result() },
  { name: "2026.3.0-latest → 2026.3.0 is an upgrade (the latest branch precedes the release)", obj: forum({ version: "2026.3.0" }), old: forum({ version: "2026.3.0-latest" }), want: result() },
  { name: "a pre-release to its release passes", obj: forum({ version: "3.5.0" }), old: forum({ version: "3.5.0-beta.3" }), want: result() },
  { name: "2026.7.0 → 3.5.2 is a downgrade", obj: forum({ version: "3.5.2" }), old: forum({ version: "2026.7.0" }), want: DOWNGRADE("2026.7.0", "3.5.2") },
  { name: "a release to its pre-release is a downgrade", obj: forum({ version: "3.5.2-beta.1" }), old: forum({ version: "3.5.2" }), want: DOWNGRADE("3.5.2", "3.5.2-beta.1") },
  { name: "beta.10 → beta.9 is a downgrade", obj: forum({ version: "3.6.0-beta.9" }), old: forum({ version: "3.6.0-beta.10" }), want: DOWNGRADE("3.6.0-beta.10", "3.6.0-beta.9") },
  { name: "a downgrade from the default version", obj: forum({ version: "3.4.0" }), old: forum(), want: DOWNGRADE("2026.1.1", "3.4.0") },
  { name: "the annotation allows a downgrade", obj: forum({ version: "3.4.0" }, allow), old: forum({ version: "3.5.2" }), want: result() },
  {
    name: "the annotation must say \"true\"",
    obj: forum({ version: "3.4.0" }, { annotations: { "discourse.cern/allow-downgrade": "yes" } }),
    old: forum({ version: "3.5.2" }),
    want: DOWNGRADE("3.5.2", "3.4.0"),
  },
]);

const external = { host: "db.example.org" };
run("UPDATE spec.database", "UPDATE", [
  { name: "an external host may change", obj: forum({ database: { host: "db2.example.org" } }), old: forum({ database: external }), want: result() },
  {
    name: "managed → external is forbidden",
    obj: forum({ database: external }),
    old: forum(),
    want: result([
      err("FieldValueForbidden", "spec.database.host", "Forbidden: may not be set: the database is managed by the operator and cannot switch to an external server"),
    ]),
  },
  {
    name: "external → managed is forbidden",
    obj: forum({ database: { host: "" } }),
    old: forum({ database: external }),
    want: result([
      err("FieldValueForbidden", "spec.database.host", "Forbidden: may not be emptied: the database is external and cannot switch to one managed by the operator"),
    ]),
  },
  { name: "writing out the derived name and user passes", obj: forum({ database: { name: "forum", user: "forum" } }), old: forum(), want: result() },
  {
    name: "a new name and user are rejected",
    obj: forum({ database: { name: "other", user: "other_user" } }),
    old: forum({ database: { name: "forum", user: "forum" } }),
    want: result([
      err("FieldValueInvalid", "spec.database.name", 'Invalid value: "other": database name is immutable'),
      err("FieldValueInvalid", "spec.database.user", 'Invalid value: "other_user": database user is immutable'),
    ]),
  },
  {
    name: "removing an explicit name falls back to the derived one, which differs",
    obj: forum(),
    old: forum({ database: { name: "custom" } }),
    want: result([
      err("FieldValueInvalid", "spec.database.name", 'Invalid value: "forum": database name is immutable'),
      err("FieldValueInvalid", "spec.database.user", 'Invalid value: "forum": database user is immutable'),
    ]),
  },
  {
    name: "the StorageClass may not change, nor be set later",
    obj: forum({ database: { storage: { storageClassName: "fast" } }, storage: { uploads: { storageClassName: "nfs" } } }),
    old: forum({ database: { storage: { storageClassName: "slow" } } }),
    want: result([
      err("FieldValueInvalid", "spec.database.storage.storageClassName", 'Invalid value: "fast": storageClassName is immutable'),
      err("FieldValueInvalid", "spec.storage.uploads.storageClassName", 'Invalid value: "nfs": storageClassName is immutable'),
    ]),
  },
  {
    name: "removing a StorageClass is a change",
    obj: forum(),
    old: forum({ database: { storage: { storageClassName: "slow" } } }),
    want: result([err("FieldValueInvalid", "spec.database.storage.storageClassName", "Invalid value: null: storageClassName is immutable")]),
  },
  { name: "the volumes may grow", obj: forum({ database: { storage: { size: "20Gi" } }, storage: { uploads: { size: "1Ti" } } }), old: forum(), want: result() },
  { name: "1Gi → 1024Mi is no change", obj: forum({ database: { storage: { size: "1024Mi" } } }), old: forum({ database: { storage: { size: "1Gi" } } }), want: result() },
  {
    name: "the volumes may not shrink",
    obj: forum({ database: { storage: { size: "19Gi" } }, storage: { uploads: { size: "5Gi" } } }),
    old: forum({ database: { storage: { size: "20Gi" } } }),
    want: result([
      err("FieldValueForbidden", "spec.database.storage.size", "Forbidden: may not be less than the current size 20Gi: volumes can grow, never shrink"),
      err("FieldValueForbidden", "spec.storage.uploads.size", "Forbidden: may not be less than the current size 10Gi: volumes can grow, never shrink"),
    ]),
  },
  {
    name: "the size of an external database is ignored",
    obj: forum({ database: { ...external, storage: { size: "10Gi" } } }),
    old: forum({ database: { ...external, storage: { size: "20Gi" } } }),
    want: result(),
  },
]);

run("UPDATE runs the create rules too", "UPDATE", [
  {
    name: "a new problem and a transition problem are reported together",
    obj: forum({ replicas: 60, version: "3.0.0" }),
    old: forum(),
    want: result([
      err("FieldValueInvalid", "spec.replicas", "Invalid value: 60: spec.replicas in body should be less than or equal to 50"),
      err("FieldValueForbidden", "spec.version", 'Forbidden: may not go down from 2026.1.1 to 3.0.0 unless the object is annotated discourse.cern/allow-downgrade: "true"'),
    ]),
  },
  {
    name: "an UPDATE that keeps the spec is never denied (finalizer removal), warnings stay",
    obj: forum({ hostname: "taken.example.org", category: "official" }, { finalizers: [] }),
    old: forum({ hostname: "taken.example.org", category: "official" }, { finalizers: ["discourse.cern/finalizer"] }),
    facts: { otherHostnames: [{ namespace: "other", name: "other", hostname: "taken.example.org" }] },
    want: result([], ["spec.replicas: an official forum should run at least 2 replicas to stay up during node maintenance (has 1)"]),
  },
  {
    name: "an UPDATE that changes the spec is validated whole",
    obj: forum({ hostname: "taken.example.org", replicas: 0 }),
    old: forum({ hostname: "taken.example.org" }),
    facts: { otherHostnames: [{ namespace: "other", name: "other", hostname: "taken.example.org" }] },
    want: result([err("FieldValueDuplicate", "spec.hostname", 'Duplicate value: "taken.example.org": already used by Discourse "other/other"')]),
  },
  {
    name: "the credentials Secret is warned about on UPDATE",
    obj: forum(),
    old: forum(),
    facts: { otherHostnames: [], existingSecrets: new Set() },
    want: result([], ['spec.database.credentialsSecret: Secret "forum-db-credentials" does not exist yet in namespace "forums"']),
  },
  {
    name: "an existing credentials Secret gives no warning",
    obj: forum({ database: { credentialsSecret: "mine" } }),
    old: forum({ database: { credentialsSecret: "mine" } }),
    facts: { otherHostnames: [], existingSecrets: new Set(["mine"]) },
    want: result(),
  },
]);

run("DELETE", "DELETE", [
  { name: "an unprotected forum may be deleted", obj: undefined, old: forum({ deletionProtection: false }), want: result() },
  { name: "the default is unprotected", obj: undefined, old: forum(), want: result() },
  {
    name: "a protected forum may not be deleted",
    obj: undefined,
    old: forum({ deletionProtection: true }),
    want: result([
      err("FieldValueForbidden", "spec.deletionProtection", "Forbidden: the Discourse is protected from deletion; set spec.deletionProtection to false first"),
    ]),
  },
  { name: "schema problems of the stored object do not block deletion", obj: undefined, old: forum({ replicas: 99 }), want: result() },
  { name: "no object at all is allowed", obj: undefined, old: undefined, want: result() },
]);

describe("garbage in", () => {
  const cases: Array<{ name: string; obj: unknown; want: ValidationResult }> = [
    { name: "no object on CREATE", obj: null, want: result([err("FieldValueRequired", "", "Required value: the request carries no object")]) },
    {
      name: "no spec",
      obj: { apiVersion: "discourse.cern/v1alpha1", kind: "Discourse", metadata: { name: "forum" } },
      want: result([err("FieldValueRequired", "spec", "Required value")]),
    },
    {
      name: "a spec that is a string",
      obj: { metadata: { name: "forum" }, spec: "x" },
      want: result([err("FieldValueTypeInvalid", "spec", 'Invalid value: "x": spec in body must be of type object: "x"')]),
    },
    {
      name: "sections of the wrong type do not crash the rules",
      obj: { metadata: { name: 7 }, spec: { hostname: 5, developerEmails: "a", database: "x", env: {}, plugins: [1], resources: [] } },
      want: result([
        err("FieldValueTypeInvalid", "spec.hostname", "Invalid value: 5: spec.hostname in body must be of type string"),
        err("FieldValueTypeInvalid", "spec.developerEmails", 'Invalid value: "a": spec.developerEmails in body must be of type array: "a"'),
        err("FieldValueTypeInvalid", "spec.database", 'Invalid value: "x": spec.database in body must be of type object: "x"'),
        err("FieldValueTypeInvalid", "spec.resources", "Invalid value: []: spec.resources in body must be of type object"),
        err("FieldValueTypeInvalid", "spec.plugins[0]", "Invalid value: 1: spec.plugins[0] in body must be of type object"),
        err("FieldValueTypeInvalid", "spec.env", "Invalid value: {}: spec.env in body must be of type array"),
        err("FieldValueRequired", "metadata.name", "Required value: name or generateName is required"),
      ]),
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(validate(c.obj, undefined, { otherHostnames: [] }, "CREATE")).to.deep.equal(c.want);
    });
  }
});
