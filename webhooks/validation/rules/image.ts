/**
 * spec.image and spec.database.image: valid container image references; untagged images
 * get a warning.
 */
import type { Discourse } from "../../../src/api/types.js";
import { invalid } from "../field-error.js";
import { parseImageReference } from "../image-reference.js";
import { OK, errorsOf, warningsOf, type ValidationResult } from "../types.js";

function checkImage(field: string, image: unknown, example: string): ValidationResult {
  if (typeof image !== "string" || image === "") return OK;
  const ref = parseImageReference(image);
  if (!ref) return errorsOf(invalid(field, image, `must be a valid image reference such as ${example}`));
  if (!ref.tag && !ref.digest) return warningsOf(`${field}: "${image}" has no tag or digest, so it means :latest; pin a release`);
  return OK;
}

/** spec.image parses as `[registry[:port]/]path[:tag][@digest]`. */
export function validateImage(obj: Discourse): ValidationResult {
  return checkImage("spec.image", obj.spec?.image, "docker.io/discourse/discourse:3.5.2");
}

/** spec.database.image (a mirror of the PostgreSQL image with pgvector) parses the same way. */
export function validateDatabaseImage(obj: Discourse): ValidationResult {
  return checkImage("spec.database.image", obj.spec?.database?.image, "docker.io/pgvector/pgvector:0.8.6-pg17");
}
