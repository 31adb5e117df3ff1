import { expect } from "chai";
import { toAdmissionResponse, toErrorResponse, type AdmissionResult } from "../../../webhooks/admission/to-admission-response.js";
import type { AdmissionResponse } from "../../../webhooks/admission/types.js";

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v), "utf8").toString("base64");

const cases: Array<{ name: string; result: AdmissionResult; want: AdmissionResponse }> = [
  {
    name: "no errors, no warnings, no patch: allowed and nothing else",
    result: { name: "forum", errors: [], warnings: [] },
    want: { uid: "u1", allowed: true },
  },
  {
    name: "an empty patch is no patch",
    result: { name: "forum", errors: [], warnings: [], patch: [] },
    want: { uid: "u1", allowed: true },
  },
  {
    name: "a patch becomes base64 JSONPatch",
    result: { name: "forum", errors: [], warnings: [], patch: [{ op: "add", path: "/spec/replicas", value: 1 }] },
    want: { uid: "u1", allowed: true, patchType: "JSONPatch", patch: b64([{ op: "add", path: "/spec/replicas", value: 1 }]) },
  },
  {
    name: "warnings are carried on an allowance",
    result: { name: "forum", errors: [], warnings: ["spec.category: official forums should run at least 2 replicas"] },
    want: { uid: "u1", allowed: true, warnings: ["spec.category: official forums should run at least 2 replicas"] },
  },
  {
    name: "one error: a 422 Invalid denial with one cause",
    result: {
      name: "x",
      errors: [{ type: "FieldValueInvalid", field: "spec.replicas", message: "Invalid value: 100: must be less than or equal to 50" }],
      warnings: [],
    },
    want: {
      uid: "u1",
      allowed: false,
      status: {
        code: 422,
        reason: "Invalid",
        message: 'Discourse.discourse.cern "x" is invalid: spec.replicas: Invalid value: 100: must be less than or equal to 50',
        details: {
          group: "discourse.cern",
          kind: "Discourse",
          name: "x",
          causes: [{ type: "FieldValueInvalid", field: "spec.replicas", message: "Invalid value: 100: must be less than or equal to 50" }],
        },
      },
    },
  },
  {
    name: "several errors and a warning: every cause, in order, the warning kept, the patch dropped",
    result: {
      name: "x",
      errors: [
        { type: "FieldValueInvalid", field: "spec.replicas", message: "Invalid value: 100: must be less than or equal to 50" },
        { type: "FieldValueRequired", field: "spec.hostname", message: "Required value" },
      ],
      warnings: ["spec.database.credentialsSecret: Secret \"s\" does not exist yet"],
      patch: [{ op: "add", path: "/spec/replicas", value: 1 }],
    },
    want: {
      uid: "u1",
      allowed: false,
      status: {
        code: 422,
        reason: "Invalid",
        message:
          'Discourse.discourse.cern "x" is invalid: spec.replicas: Invalid value: 100: must be less than or equal to 50, ' +
          "spec.hostname: Required value",
        details: {
          group: "discourse.cern",
          kind: "Discourse",
          name: "x",
          causes: [
            { type: "FieldValueInvalid", field: "spec.replicas", message: "Invalid value: 100: must be less than or equal to 50" },
            { type: "FieldValueRequired", field: "spec.hostname", message: "Required value" },
          ],
        },
      },
      warnings: ["spec.database.credentialsSecret: Secret \"s\" does not exist yet"],
    },
  },
];

describe("admission: toAdmissionResponse", () => {
  for (const c of cases) {
    it(c.name, () => {
      expect(toAdmissionResponse("u1", c.result)).to.deep.equal(c.want);
    });
  }

  it("does not share the warnings array with its input", () => {
    const warnings = ["w"];
    const response = toAdmissionResponse("u1", { name: "x", errors: [], warnings });
    warnings.push("later");
    expect(response.warnings).to.deep.equal(["w"]);
  });

  it("toErrorResponse: a denial with a status and no details", () => {
    expect(toErrorResponse("u2", 400, "BadRequest", "this webhook serves discourse.cern Discourse only, not apps/v1 Deployment")).to.deep.equal({
      uid: "u2",
      allowed: false,
      status: { code: 400, reason: "BadRequest", message: "this webhook serves discourse.cern Discourse only, not apps/v1 Deployment" },
    });
  });
});
