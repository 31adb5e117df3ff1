/**
 * spec.ingress: annotation keys valid (they are copied onto the Ingress or
 * Route, whose apiserver refuses invalid keys: k8s.io/apimachinery
 * pkg/api/validation/objectmeta.go ValidateAnnotations), and settings that
 * only apply to one kind warned about on the other.
 */
import type { Discourse } from "../../../src/api/types.js";
import { invalid, tooLong, type FieldError } from "../field-error.js";
import { qualifiedNameProblem } from "../qualified-name.js";
import { OK, isRecord, warningsOf, resultOf, type ValidationResult } from "../types.js";

/** Total size of all annotations of an object (ValidateAnnotationsSize: 256 KiB). */
export const MAX_ANNOTATIONS_BYTES = 256 * 1024;
const FIELD = "spec.ingress.annotations";

/** Every key of spec.ingress.annotations is a qualified name; keys and values together at most 256 KiB. */
export function validateIngressAnnotations(obj: Discourse): ValidationResult {
  const annotations: unknown = obj.spec?.ingress?.annotations;
  if (!isRecord(annotations)) return OK;
  const errors: FieldError[] = [];
  let bytes = 0;
  for (const [key, value] of Object.entries(annotations)) {
    const problem = qualifiedNameProblem(key.toLowerCase());
    if (problem) errors.push(invalid(FIELD, key, problem));
    bytes += Buffer.byteLength(key) + (typeof value === "string" ? Buffer.byteLength(value) : 0);
  }
  if (bytes > MAX_ANNOTATIONS_BYTES) errors.push(tooLong(FIELD, MAX_ANNOTATIONS_BYTES));
  return resultOf(errors);
}

/** Warns when spec.ingress.className is set for a Route (IngressClass is an Ingress concept). */
export function warnIngressClassOnRoute(obj: Discourse): ValidationResult {
  const ingress = obj.spec?.ingress;
  if (ingress?.kind !== "Route" || ingress.className === undefined) return OK;
  return warningsOf("spec.ingress.className is ignored: spec.ingress.kind is Route");
}
