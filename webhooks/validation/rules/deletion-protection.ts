/** Deletion protection: while spec.deletionProtection is true, DELETE is denied. */
import type { Discourse } from "../../../src/api/types.js";
import { forbidden } from "../field-error.js";
import { OK, errorsOf, type ValidationResult } from "../types.js";

/**
 * Denies deleting a protected Discourse.
 * @param stored - the object being deleted (the AdmissionRequest's oldObject).
 */
export function validateDeletionProtection(stored: Discourse): ValidationResult {
  if (stored.spec?.deletionProtection !== true) return OK;
  return errorsOf(
    forbidden("spec.deletionProtection", "the Discourse is protected from deletion; set spec.deletionProtection to false first"),
  );
}
