import { expect } from "chai";
import jsonpatch from "fast-json-patch";
import type { Discourse } from "../../../src/api/types.js";
import { processMutate } from "../../../webhooks/admission/process-mutate.js";
import { processValidate } from "../../../webhooks/admission/process-validate.js";
import type { AdmissionRequest, AdmissionResponse } from "../../../webhooks/admission/types.js";
import { applyDefaults } from "../../../webhooks/defaulting/apply-defaults.js";
import { emptyFacts, type ClusterFacts } from "../../../webhooks/facts/types.js";
import { fixture } from "./fixtures.js";

type Patch = jsonpatch.Operation[];
const decodePatch = (r: AdmissionResponse): Patch => JSON.parse(Buffer.from(r.patch ?? "", "base64").toString("utf8")) as Patch;
const causes = (r: AdmissionResponse): string[] => (r.status?.details?.causes ?? []).map((c) => `${c.field} ${c.type}`);
const withFacts = (f: Partial<ClusterFacts>): ClusterFacts => emptyFacts(f);

describe("admission: processValidate", () => {
  const cases: Array<{ name: string; fixture: string; facts?: Partial<ClusterFacts>; want: { allowed: boolean; code?: number; causes: string[] } }> = [
    { name: "a defaulted CREATE is allowed", fixture: "create-defaulted", want: { allowed: true, causes: [] } },
    {
      name: "every problem at once, by field",
      fixture: "create-invalid",
      want: {
        allowed: false,
        code: 422,
        causes: ["spec.hostname FieldValueInvalid", "spec.replicas FieldValueInvalid", "spec.version FieldValueInvalid"],
      },
    },
    {
      name: "a hostname another Discourse holds",
      fixture: "create-defaulted",
      facts: { otherHostnames: [{ namespace: "team-b", name: "other", hostname: "forum.example.org" }] },
      want: { allowed: false, code: 422, causes: ["spec.hostname FieldValueDuplicate"] },
    },
    { name: "a spec that is not an object is denied", fixture: "create-spec-not-object", want: { allowed: false, code: 422, causes: ["spec FieldValueTypeInvalid"] } },
    { name: "a downgrade without the annotation is denied", fixture: "update-downgrade", want: { allowed: false, code: 422, causes: ["spec.version FieldValueForbidden"] } },
    { name: "deleting a protected Discourse is denied", fixture: "delete-protected", want: { allowed: false, code: 422, causes: ["spec.deletionProtection FieldValueForbidden"] } },
    { name: "deleting an unprotected Discourse is allowed", fixture: "delete-unprotected", want: { allowed: true, causes: [] } },
    { name: "a kind it does not serve: 400 BadRequest", fixture: "configmap-create", want: { allowed: false, code: 400, causes: [] } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const request = fixture(c.fixture);
      const r = processValidate(request, withFacts(c.facts ?? {}));
      expect(r.uid).to.equal(request.uid);
      expect({ allowed: r.allowed, code: r.status?.code, causes: causes(r) }).to.deep.equal({ code: undefined, ...c.want });
    });
  }

  it("a denial carries the status kubectl renders as `The Discourse \"x\" is invalid:`", () => {
    const r = processValidate(fixture("create-invalid"), emptyFacts());
    expect(r.status?.reason).to.equal("Invalid");
    expect(r.status?.details).to.include({ group: "discourse.cern", kind: "Discourse", name: "x" });
    expect(r.status?.message).to.match(/^Discourse\.discourse\.cern "x" is invalid: spec\.hostname: Invalid value: "Bad_Host"/);
  });

  it("an object with a wrong-typed field everywhere is denied, not thrown at", () => {
    const r = processValidate(fixture("create-spec-garbage-fields"), emptyFacts());
    expect(r.allowed).to.equal(false);
    expect(causes(r)).to.include.members(["spec.hostname FieldValueTypeInvalid", "spec.replicas FieldValueTypeInvalid"]);
  });
});

describe("admission: processMutate", () => {
  it("a minimal CREATE gets a JSONPatch that yields exactly applyDefaults(object)", () => {
    const request = fixture("create-minimal");
    const r = processMutate(request, emptyFacts());
    expect([r.uid, r.allowed, r.patchType]).to.deep.equal([request.uid, true, "JSONPatch"]);
    const patched = jsonpatch.applyPatch(structuredClone(request.object), decodePatch(r)).newDocument;
    expect(patched).to.deep.equal(applyDefaults(request.object as Discourse, { routeApiAvailable: false }));
    const outsideSpec = decodePatch(r).filter((op) => !op.path.startsWith("/spec/")).map((op) => op.path);
    expect(outsideSpec, "only spec and the record of defaulted resources are touched").to.deep.equal(["/metadata/annotations/discourse.cern~1defaulted-resources"]);
  });

  it("is idempotent: the patched object gets no patch", () => {
    const request = fixture("create-minimal");
    const first = processMutate(request, emptyFacts());
    const object: unknown = jsonpatch.applyPatch(structuredClone(request.object), decodePatch(first)).newDocument;
    expect(processMutate({ ...request, object }, emptyFacts())).to.deep.equal({ uid: request.uid, allowed: true });
  });

  it("defaults ingress.kind to Route when the cluster serves route.openshift.io/v1", () => {
    const r = processMutate(fixture("create-minimal"), emptyFacts({ routeApiAvailable: true }));
    const ingress = decodePatch(r).find((op) => op.path === "/spec/ingress");
    expect(ingress).to.deep.include({ op: "add", value: { enabled: true, kind: "Route", tlsSecretName: "forum-tls" } });
  });

  const passThrough: Array<{ name: string; request: AdmissionRequest }> = [
    { name: "an already defaulted object: no patch", request: fixture("create-defaulted") },
    { name: "a spec that is not an object: passed through unchanged", request: fixture("create-spec-not-object") },
    { name: "DELETE: nothing to default", request: fixture("delete-unprotected") },
  ];
  for (const c of passThrough) {
    it(c.name, () => {
      expect(processMutate(c.request, emptyFacts())).to.deep.equal({ uid: c.request.uid, allowed: true });
    });
  }

  it("a kind it does not serve: 400 BadRequest naming the kind", () => {
    expect(processMutate(fixture("configmap-create"), emptyFacts())).to.deep.equal({
      uid: "9a1d3c52-1f0b-4b8e-8a55-0d3b1e7c2f0b",
      allowed: false,
      status: { code: 400, reason: "BadRequest", message: "this webhook serves discourse.cern Discourse only, not core/v1 ConfigMap" },
    });
  });
});

describe("admission: processors never throw on garbage", () => {
  const base = fixture("create-minimal");
  const garbage: unknown[] = [
    null,
    undefined,
    "string",
    42,
    [],
    [{ spec: {} }],
    {},
    { spec: null },
    { metadata: "x", spec: {} },
    { metadata: { name: ["x"] }, spec: { database: [], redis: 1, smtp: "x", ingress: null, storage: { uploads: [] } } },
    { metadata: { name: "x" }, spec: { resources: { web: { requests: "lots" } }, plugins: {}, env: "X=1", replicas: Number.NEGATIVE_INFINITY } },
    { metadata: { name: "x" }, spec: { __proto__: { polluted: true }, constructor: 1, hostname: "a.b" } },
  ];
  for (const [i, object] of garbage.entries()) {
    for (const operation of ["CREATE", "UPDATE", "DELETE"] as const) {
      it(`#${i} ${JSON.stringify(object) ?? "undefined"} on ${operation}`, () => {
        const request: AdmissionRequest = { ...base, operation, object, oldObject: operation === "CREATE" ? null : object };
        const v = processValidate(request, emptyFacts());
        const m = processMutate(request, emptyFacts());
        expect([v.uid, m.uid]).to.deep.equal([base.uid, base.uid]);
        expect(typeof v.allowed).to.equal("boolean");
        expect(m.allowed).to.equal(true);
      });
    }
  }
});
