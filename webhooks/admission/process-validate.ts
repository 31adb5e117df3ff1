/**
 * The validating webhook's processor: AdmissionRequest in, AdmissionResponse
 * out, no HTTP in sight (the model is Pepr's validate-processor). The rules
 * are webhooks/validation/validate.ts; this file only picks the right objects
 * from the request and wraps the answer.
 */
import { validate } from "../validation/validate.js";
import type { ClusterFacts } from "../facts/types.js";
import { objectName, servesKind, unservedKindMessage } from "./object.js";
import { toAdmissionResponse, toErrorResponse } from "./to-admission-response.js";
import type { AdmissionRequest, AdmissionResponse } from "./types.js";

/** The (object, oldObject) pair the rules judge for each operation. */
function subjects(request: AdmissionRequest): { object: unknown; old: unknown } {
  if (request.operation === "DELETE") return { object: request.oldObject ?? null, old: request.oldObject ?? null };
  if (request.operation === "UPDATE") return { object: request.object ?? null, old: request.oldObject ?? null };
  return { object: request.object ?? null, old: null };
}

/**
 * Judge one request against every rule of the contract.
 *
 * @param request - AdmissionReview.request for a Discourse (CREATE, UPDATE or DELETE).
 * @param facts - cluster facts gathered for this request (other hostnames, existing Secrets).
 * @returns a denial (422 Invalid with one cause per problem) or an allowance,
 *   with warnings either way; a 400 denial for a kind this webhook does not
 *   serve; a 500 denial if a rule throws (it should not: rules take garbage).
 *   Never throws.
 */
export function processValidate(request: AdmissionRequest, facts: ClusterFacts): AdmissionResponse {
  if (!servesKind(request)) return toErrorResponse(request.uid, 400, "BadRequest", unservedKindMessage(request));
  if (request.operation === "CONNECT" || request.subResource) return { uid: request.uid, allowed: true };
  const { object, old } = subjects(request);
  try {
    const { errors, warnings } = validate(object, old, facts, request.operation);
    return toAdmissionResponse(request.uid, { name: objectName(object, request), errors, warnings });
  } catch (err) {
    const reason = err instanceof Error ? err.name : "error";
    return toErrorResponse(request.uid, 500, "InternalError", `validation failed unexpectedly (${reason}); the request was not admitted`);
  }
}
