/**
 * Checking that a request body is an AdmissionReview v1 with a request the
 * processors can work on. Pure; the server answers HTTP 400 with `error`.
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
  if (typeof request.operation !== "string" || !OPERATIONS.has(request.operation)) {
    return { error: "request.operation must be CREATE, UPDATE, DELETE or CONNECT" };
  }
  return { request: request as unknown as AdmissionRequest };
}
