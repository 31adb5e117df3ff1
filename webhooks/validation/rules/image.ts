/** spec.image: a valid container image reference; untagged images get a warning. */
import type { Discourse } from "../../../src/api/types.js";
import { invalid } from "../field-error.js";
import { parseImageReference } from "../image-reference.js";
import { OK, errorsOf, warningsOf, type ValidationResult } from "../types.js";

const FIELD = "spec.image";

/** spec.image parses as `[registry[:port]/]path[:tag][@digest]`. */
export function validateImage(obj: Discourse): ValidationResult {
  const image = obj.spec?.image;
  if (typeof image !== "string" || image === "") return OK;
  const ref = parseImageReference(image);
  if (!ref) {
    return errorsOf(invalid(FIELD, image, "must be a valid image reference such as docker.io/discourse/discourse:3.5.2"));
  }
  if (!ref.tag && !ref.digest) return warningsOf(`${FIELD}: "${image}" has no tag or digest, so it means :latest; pin a release`);
  return OK;
}
