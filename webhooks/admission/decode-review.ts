/**
 * Checking that a request body is an AdmissionReview v1 with a request the
 * processors can work on: every field the server reads has the JSON type the
 * API gives it, so no later string conversion or comparison can throw.
 * Pure; the server answers HTTP 400 with `error`.
 */
import { isPlainObject } from "./object.js";
import { ADMISSION_API_VERSION, ADMISSION_KIND, type AdmissionRequest } from "./types.js";

export type Decoded = { request: AdmissionRequest } | { error: string };

const OPERATIONS = new Set(["CREATE", "UPDATE", "DELETE", "CONNECT"]);

/**
 * @param body - the parsed JSON body.
 * @returns the request, or a one-line reason why it is not a usable AdmissionReview.
 */
export function decodeAdmissionReview(body: unknown): Decoded {
  if (!isPlainObject(body)) return { error: "body must be a JSON object (an AdmissionReview)" };
  if (body.kind !== ADMISSION_KIND || body.apiVersion !== ADMISSION_API_VERSION) {
    return { error: `expected apiVersion ${ADMISSION_API_VERSION} kind ${ADMISSION_KIND}` };
  }
  const request = body.request;
  if (!isPlainObject(request)) return { error: "AdmissionReview has no request" };
  if (typeof request.uid !== "string" || request.uid === "") return { error: "request.uid is missing" };
  if (!isPlainObject(request.kind)) return { error: "request.kind is missing" };
  const kind = request.kind;
  const badKindField = ["group", "version", "kind"].find((k) => typeof kind[k] !== "string");
  if (badKindField) return { error: `request.kind.${badKindField} must be a string` };
  if (typeof request.operation !== "string" || !OPERATIONS.has(request.operation)) {
    return { error: "request.operation must be CREATE, UPDATE, DELETE or CONNECT" };
  }
  const badField = typedFieldError(request);
  if (badField) return { error: badField };
  return { request: request as unknown as AdmissionRequest };
}

/** Optional fields the server reads, each of one JSON type when present (null counts as absent). */
const OPTIONAL_FIELDS: ReadonlyArray<[string, "string" | "boolean" | "object"]> = [
  ["name", "string"],
  ["namespace", "string"],
  ["subResource", "string"],
  ["dryRun", "boolean"],
  ["userInfo", "object"],
];

/** A message naming the first optional field of the wrong type, or null. */
function typedFieldError(request: Record<string, unknown>): string | null {
  for (const [field, type] of OPTIONAL_FIELDS) {
    const value = request[field];
    if (value === undefined || value === null) continue;
    const ok = type === "object" ? isPlainObject(value) : typeof value === type;
    if (!ok) return `request.${field} must be a${type === "object" ? "n object" : ` ${type}`}`;
  }
  return null;
}
