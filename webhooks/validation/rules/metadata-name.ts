/**
 * metadata.name: it prefixes every child's name (`<name>-web`,
 * `<name>-postgresql`, `<name>-migrate-…`, shared/API.md), so it must
 * be usable inside Service names (RFC 1035 labels) and short enough that the
 * longest children stay within Kubernetes' 63-character limits.
 */
import type { Discourse } from "../../../src/api/types.js";
import { invalid, required } from "../field-error.js";
import { OK, errorsOf, nameOf, type ValidationResult } from "../types.js";

/**
 * Longest metadata.name accepted. The StatefulSet `<name>-postgresql` must stay
 * within 52 characters (its pods carry the label
 * `controller-revision-hash: <statefulset>-<10-char hash>`, at most 63), so
 * 41 at most. Migration Job names fit by construction (reconciler/builders/migrate-job.ts
 * shortens or drops the version part of `<name>-migrate-<version>-<hash>-<stage>`).
 */
export const MAX_NAME_LENGTH = 40;
/** Kubernetes' limit for label values and DNS labels (Job and Service names). */
export const MAX_LABEL_LENGTH = 63;

const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
export const DNS1035_MESSAGE =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic " +
  "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for " +
  "validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";


/** metadata.name: required, an RFC 1035 label, at most MAX_NAME_LENGTH characters. */
export function validateMetadataName(obj: Discourse): ValidationResult {
  const name = nameOf(obj);
  if (!name) return errorsOf(required("metadata.name", "name or generateName is required"));
  if (!DNS1035_LABEL.test(name)) return errorsOf(invalid("metadata.name", name, DNS1035_MESSAGE));
  if (name.length > MAX_NAME_LENGTH) {
    return errorsOf(
      invalid(
        "metadata.name",
        name,
        `must be no more than ${MAX_NAME_LENGTH} characters (children such as <name>-postgresql must fit Kubernetes' ${MAX_LABEL_LENGTH}-character limits)`,
      ),
    );
  }
  return OK;
}
