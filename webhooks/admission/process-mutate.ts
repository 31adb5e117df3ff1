/**
 * The mutating webhook's processor (the model is Pepr's mutate-processor):
 * the patch is the fast-json-patch diff of the object as received and the
 * object after `applyDefaults`. Defaulting twice gives the same object as
 * once, so a second pass yields no patch.
 *
 * This webhook runs before the apiserver's schema validation, so it sees
 * malformed objects: anything that is not an object with an object `spec`
 * is passed through unchanged, and the schema and the validating webhook
 * then name the problem.
 */
import jsonpatch from "fast-json-patch";
import type { Discourse } from "../../src/api/types.js";
import { applyDefaults } from "../defaulting/apply-defaults.js";
import type { ClusterFacts } from "../facts/types.js";
import { isPlainObject, objectName, servesKind, unservedKindMessage } from "./object.js";
import { toAdmissionResponse, toErrorResponse } from "./to-admission-response.js";
import type { AdmissionRequest, AdmissionResponse } from "./types.js";

/** The object defaulting applies to, or null when the request is passed through unchanged. */
export function defaultableObject(request: AdmissionRequest): Record<string, unknown> | null {
  if (request.operation !== "CREATE" && request.operation !== "UPDATE") return null;
  if (request.subResource) return null;
  const object = request.object;
  if (!isPlainObject(object) || !isPlainObject(object.spec)) return null;
  return object;
}

/**
 * Default one request.
 *
 * @param request - AdmissionReview.request for a Discourse (CREATE or UPDATE).
 * @param facts - only `routeApiAvailable` is read (it decides ingress.kind).
 * @returns `allowed: true` with a base64 JSONPatch when defaulting changed
 *   something, without a patch otherwise (also for malformed objects, and if
 *   defaulting throws); a 400 denial for a kind this webhook does not serve.
 *   Never throws.
 */
export function processMutate(request: AdmissionRequest, facts: ClusterFacts): AdmissionResponse {
  if (!servesKind(request)) return toErrorResponse(request.uid, 400, "BadRequest", unservedKindMessage(request));
  const object = defaultableObject(request);
  if (!object) return { uid: request.uid, allowed: true };
  try {
    const previous = request.operation === "UPDATE" && isPlainObject(request.oldObject) ? request.oldObject : undefined;
    const defaulted = applyDefaults(object as unknown as Discourse, { routeApiAvailable: facts.routeApiAvailable, ...(previous ? { previous } : {}) });
    const patch = jsonpatch.compare(object, defaulted);
    return toAdmissionResponse(request.uid, { name: objectName(object, request), errors: [], warnings: [], patch });
  } catch {
    // Defaulting must not block an admission; schema validation and the validating webhook judge the object.
    return { uid: request.uid, allowed: true };
  }
}
