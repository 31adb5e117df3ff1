/**
 * Reading what an AdmissionRequest carries without trusting it: the mutating
 * webhook runs before the apiserver's schema validation, so `object` may be
 * anything JSON can express.
 */
import { GROUP, KIND } from "../../src/api/constants.js";
import type { AdmissionRequest } from "./types.js";

/** A JSON object (not null, not an array). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether the request is about the Discourse kind (any version: matchPolicy Equivalent). */
export function servesKind(request: AdmissionRequest): boolean {
  return request.kind?.group === GROUP && request.kind?.kind === KIND;
}

/** metadata.name of an object, or request.name, or "" when neither is a string. */
export function objectName(object: unknown, request: AdmissionRequest): string {
  if (isPlainObject(object) && isPlainObject(object.metadata) && typeof object.metadata.name === "string") {
    return object.metadata.name;
  }
  return typeof request.name === "string" ? request.name : "";
}

/** The message of a denial for a kind this webhook does not serve. */
export function unservedKindMessage(request: AdmissionRequest): string {
  const k = request.kind;
  const what = k ? `${k.group || "core"}/${k.version} ${k.kind}` : "an unknown kind";
  return `this webhook serves ${GROUP} ${KIND} only, not ${what}`;
}
