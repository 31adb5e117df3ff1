/**
 * spec.version: a concrete release, never a floating tag (a tag such as
 * `latest` names a different release over time, so the migration Job and the
 * rollout could run different code). The CRD carries no pattern for it (only
 * a length), so that `kubectl apply` prints these words rather than a regular
 * expression, the same as `discourse-operator validate -f`. Never lower than the stored version
 * on UPDATE (Discourse migrations are not reversible) unless the object carries
 * `discourse.cern/allow-downgrade: "true"`.
 */
import { ALLOW_DOWNGRADE_ANNOTATION, DEFAULT_DISCOURSE_VERSION, FLOATING_TAGS } from "../../../src/api/constants.js";
import type { Discourse } from "../../../src/api/types.js";
import { forbidden, invalid } from "../field-error.js";
import { compareReleaseVersions, parseReleaseVersion } from "../release-version.js";
import { OK, errorsOf, type ValidationResult } from "../types.js";

const FIELD = "spec.version";

/** What a floating tag is told. */
export const floatingTagMessage = (tag: string): string =>
  `floating tag "${tag}": pin a concrete release such as ${DEFAULT_DISCOURSE_VERSION}`;

/** spec.version is a release `MAJOR.MINOR.PATCH[-suffix]`, and none of FLOATING_TAGS (case-insensitive). */
export function validateVersionConcrete(obj: Discourse): ValidationResult {
  const version = obj.spec?.version;
  if (typeof version !== "string") return OK;
  const tag = FLOATING_TAGS.find((t) => t === version.toLowerCase());
  if (tag) return errorsOf(invalid(FIELD, version, floatingTagMessage(tag)));
  if (parseReleaseVersion(version)) return OK;
  return errorsOf(
    invalid(FIELD, version, `must be a concrete release MAJOR.MINOR.PATCH with an optional -suffix, such as ${DEFAULT_DISCOURSE_VERSION} or 2026.7.0`),
  );
}

/** On UPDATE, spec.version does not go down without the allow-downgrade annotation. */
export function validateNoDowngrade(obj: Discourse, old: Discourse): ValidationResult {
  const next = obj.spec?.version ?? DEFAULT_DISCOURSE_VERSION;
  const previous = old.spec?.version ?? DEFAULT_DISCOURSE_VERSION;
  const order = compareReleaseVersions(next, previous);
  if (order === null || order >= 0) return OK;
  if (obj.metadata?.annotations?.[ALLOW_DOWNGRADE_ANNOTATION] === "true") return OK;
  return errorsOf(
    forbidden(FIELD, `may not go down from ${previous} to ${next} unless the object is annotated ${ALLOW_DOWNGRADE_ANNOTATION}: "true"`),
  );
}
