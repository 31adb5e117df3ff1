import { expect } from "chai";
import { decodeAdmissionReview } from "../../../webhooks/admission/decode-review.js";

const request = {
  uid: "705ab4f5-6393-11e8-b7cc-42010a800002",
  kind: { group: "discourse.cern", version: "v1alpha1", kind: "Discourse" },
  resource: { group: "discourse.cern", version: "v1alpha1", resource: "discourses" },
  operation: "CREATE",
};
const review = (req: unknown): unknown => ({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request: req });

describe("admission: decodeAdmissionReview", () => {
  const cases: Array<{ name: string; body: unknown; want: unknown }> = [
    { name: "a well-formed review", body: review(request), want: { request } },
    { name: "a JSON string", body: "hello", want: { error: "body must be a JSON object (an AdmissionReview)" } },
    { name: "a JSON array", body: [review(request)], want: { error: "body must be a JSON object (an AdmissionReview)" } },
    { name: "null", body: null, want: { error: "body must be a JSON object (an AdmissionReview)" } },
    {
      name: "v1beta1 (not registered: admissionReviewVersions is [v1])",
      body: { ...(review(request) as object), apiVersion: "admission.k8s.io/v1beta1" },
      want: { error: "expected apiVersion admission.k8s.io/v1 kind AdmissionReview" },
    },
    { name: "another kind", body: { apiVersion: "admission.k8s.io/v1", kind: "Pod" }, want: { error: "expected apiVersion admission.k8s.io/v1 kind AdmissionReview" } },
    { name: "no request", body: review(undefined), want: { error: "AdmissionReview has no request" } },
    { name: "no uid", body: review({ ...request, uid: undefined }), want: { error: "request.uid is missing" } },
    { name: "empty uid", body: review({ ...request, uid: "" }), want: { error: "request.uid is missing" } },
    { name: "uid not a string", body: review({ ...request, uid: 7 }), want: { error: "request.uid is missing" } },
    { name: "no kind", body: review({ ...request, kind: undefined }), want: { error: "request.kind is missing" } },
    { name: "kind.group not a string", body: review({ ...request, kind: { ...request.kind, group: { toString: 1 } } }), want: { error: "request.kind.group must be a string" } },
    { name: "kind.kind not a string", body: review({ ...request, kind: { ...request.kind, kind: ["Discourse"] } }), want: { error: "request.kind.kind must be a string" } },
    { name: "name not a string", body: review({ ...request, name: { toString: "x" } }), want: { error: "request.name must be a string" } },
    { name: "namespace not a string", body: review({ ...request, namespace: 5 }), want: { error: "request.namespace must be a string" } },
    { name: "dryRun not a boolean", body: review({ ...request, dryRun: "false" }), want: { error: "request.dryRun must be a boolean" } },
    { name: "userInfo not an object", body: review({ ...request, userInfo: [] }), want: { error: "request.userInfo must be an object" } },
    { name: "null optional fields count as absent", body: review({ ...request, name: null, dryRun: null }), want: { request: { ...request, name: null, dryRun: null } } },
    {
      name: "unknown operation",
      body: review({ ...request, operation: "PATCH" }),
      want: { error: "request.operation must be CREATE, UPDATE, DELETE or CONNECT" },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(decodeAdmissionReview(c.body)).to.deep.equal(c.want);
    });
  }
});
