/**
 * Wrapping the answer of the pure rules into an AdmissionReview response.
 *
 * A denial has the shape of the apiserver's own validation errors
 * (k8s.io/apimachinery/pkg/api/errors.NewInvalid): `code: 422`,
 * `reason: Invalid`, `details.causes[]` with one `{type, field, message}` per
 * problem. kubectl (cmdutil.checkErr) recognises reason `Invalid` with
 * details and prints `The Discourse "x" is invalid:` followed by one
 * `* <field>: <message>` line per cause.
 */
import type { Operation as PatchOperation } from "fast-json-patch";
import { GROUP, KIND } from "../../src/api/constants.js";
import type { FieldError } from "../validation/field-error.js";
import type { AdmissionResponse } from "./types.js";

/** What the rules said about one request. */
export interface AdmissionResult {
  /** metadata.name of the object, for status.details.name and the message. */
  name: string;
  /** Every problem at once; non-empty means the request is denied. */
  errors: FieldError[];
  /** Soft problems, returned as `warnings[]` whether allowed or not. */
  warnings: string[];
  /** JSON Patch from the original to the defaulted object (mutating webhook only). */
  patch?: PatchOperation[];
  /** Kind named in a denial. Defaults to Discourse. */
  kind?: string;
}

/**
 * Build the AdmissionReview `response` for a request.
 *
 * @param uid - request.uid, echoed back as the apiserver requires.
 * @param result - the errors, warnings and patch the rules produced.
 * @returns `allowed: false` with a 422 `Invalid` status when `errors` is not
 *   empty (no patch then); otherwise `allowed: true`, with the patch as base64
 *   JSON Patch when it has operations.
 */
export function toAdmissionResponse(uid: string, result: AdmissionResult): AdmissionResponse {
  const warnings = result.warnings.length > 0 ? { warnings: [...result.warnings] } : {};
  if (result.errors.length > 0) {
    const causes = result.errors.map((e) => ({ type: e.type, field: e.field, message: e.message }));
    const summary = causes.map((c) => `${c.field}: ${c.message}`).join(", ");
    return {
      uid,
      allowed: false,
      status: {
        code: 422,
        reason: "Invalid",
        message: `${result.kind ?? KIND}.${GROUP} "${result.name}" is invalid: ${summary}`,
        details: { group: GROUP, kind: result.kind ?? KIND, name: result.name, causes },
      },
      ...warnings,
    };
  }
  if (result.patch && result.patch.length > 0) {
    const patch = Buffer.from(JSON.stringify(result.patch), "utf8").toString("base64");
    return { uid, allowed: true, patch, patchType: "JSONPatch", ...warnings };
  }
  return { uid, allowed: true, ...warnings };
}

/** Reasons of metav1.Status used for denials that are not field errors. */
export type StatusReason = "BadRequest" | "Forbidden" | "InternalError";

/**
 * A denial that is not about fields: a kind this webhook does not serve
 * (400 BadRequest, as controller-runtime answers), or a failure at the edge
 * such as an unreachable API server (500 InternalError).
 *
 * @param uid - request.uid.
 * @param code - HTTP-like status code carried in the response (not the HTTP status of the reply, which stays 200).
 * @param message - shown by kubectl after `admission webhook "..." denied the request:`.
 */
export function toErrorResponse(uid: string, code: number, reason: StatusReason, message: string): AdmissionResponse {
  return { uid, allowed: false, status: { code, reason, message } };
}
