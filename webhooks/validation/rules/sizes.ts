/**
 * Volume sizes greater than zero (shared/API.md: database.storage.size,
 * storage.uploads.size, redis.storage.size and backup.storage.size). The CRD's
 * quantity pattern is the apiserver's loose one, so `-1Gi`, `0` and even
 * `1e1.5` pass the schema; a claim with such a request is refused by the
 * apiserver (k8s.io/kubernetes pkg/apis/core/validation ValidatePersistentVolumeClaimSpec:
 * "must be greater than zero") and the forum would stay Degraded. The parser
 * is the one the reconciler compares quantities with (webhooks/validation/quantity.ts).
 */
import type { Discourse } from "../../../src/api/types.js";
import { invalid, type FieldError } from "../field-error.js";
import { passesSchemaOnly, quantitySign } from "../quantity.js";
import { valueAt, resultOf, type ValidationResult } from "../types.js";

/** Every volume size of the API, as a path under the object. */
export const SIZE_FIELDS: readonly (readonly string[])[] = [
  ["spec", "database", "storage", "size"],
  ["spec", "storage", "uploads", "size"],
  ["spec", "redis", "storage", "size"],
  ["spec", "backup", "storage", "size"],
];

/** What a value that is not a quantity is told. */
export const QUANTITY_MESSAGE = "must be a quantity such as 10Gi, 500Mi or 1.5Ti";

/** One size: absent is fine (defaulted), otherwise a quantity greater than zero. */
export function sizeError(field: string, size: unknown): FieldError | null {
  // Other JSON types and strings off the CRD's pattern are the schema's to report.
  if (passesSchemaOnly(size)) return invalid(field, size, QUANTITY_MESSAGE);
  const sign = quantitySign(size);
  if (sign === null) return null;
  if (sign <= 0) return invalid(field, size, "must be greater than zero");
  return null;
}

/** Each volume size that is set is a quantity greater than zero. */
export function validateSizesPositive(obj: Discourse): ValidationResult {
  const errors = SIZE_FIELDS.map((path) => sizeError(path.join("."), valueAt(obj, path))).filter((e): e is FieldError => e !== null);
  return resultOf(errors);
}
