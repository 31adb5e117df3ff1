/**
 * The validation dispatch (cert-manager's pattern): the schema first, then the
 * rules a schema cannot say, chosen by operation. CREATE runs the create rules,
 * UPDATE the create rules plus the transition rules against the stored object,
 * DELETE the delete rules on the stored object. Every problem is reported at
 * once; an error from a rule replaces a schema error on the same field and of
 * the same type (the rule's message is the more specific one).
 *
 * An UPDATE that leaves `spec` as it is (labels, annotations, finalizers,
 * status) is never denied, only warned: the reconciler must always be able to
 * remove its finalizer, and an object stored under older rules or racing for
 * a hostname must stay editable (like the apiserver's validation ratcheting).
 */
import { isDeepStrictEqual } from "node:util";
import { schemaErrors } from "../../src/api/ajv.js";
import type { Discourse } from "../../src/api/types.js";
import { required, type FieldError } from "./field-error.js";
import { validateMetadataName } from "./rules/metadata-name.js";
import { validateHostnameLabels, validateHostnameNotIp, validateHostnameUnique } from "./rules/hostname.js";
import { validateNoDowngrade, validateVersionConcrete } from "./rules/version.js";
import { validateDatabaseImage, validateImage } from "./rules/image.js";
import { warnOfficialReplicas } from "./rules/category.js";
import { validateDeveloperEmailsUnique } from "./rules/developer-emails.js";
import {
  validateAdminSecretExternalOnly,
  validateDatabaseHost,
  validateDatabaseUserNotReserved,
  warnManagedOnlySettings,
} from "./rules/database.js";
import {
  validateDatabaseIdentityImmutable,
  validateDatabaseStorageTransition,
  validateNoDatabaseSwitch,
  validateRedisStorageTransition,
} from "./rules/database-transitions.js";
import { validateIngressAnnotations, warnIngressClassOnRoute } from "./rules/ingress.js";
import { validateSizesPositive } from "./rules/sizes.js";
import { validateAccessModeImmutable, validateBackupFieldsImmutable, validateManagedDatabaseImmutable } from "./rules/immutable.js";
import { validateUploadsTransition, warnUploadsAccessMode } from "./rules/uploads.js";
import { validateResources } from "./rules/resources.js";
import { validatePluginNamesUnique, validatePluginRefs, validatePluginRepositories } from "./rules/plugins.js";
import { validateEnvNames, validateEnvSources } from "./rules/env.js";
import { validateCredentialsSecretNotForeign, warnMissingSecrets } from "./rules/secret-references.js";
import { validateDeletionProtection } from "./rules/deletion-protection.js";
import { validateBackupSchedule, validateBackupStorageGrowOnly } from "./rules/backup.js";
import {
  isRecord,
  mergeResults,
  type CreateRule,
  type Operation,
  type UpdateRule,
  type ValidationFacts,
  type ValidationResult,
} from "./types.js";

/** Rules on one object, run on CREATE and UPDATE (and offline). */
export const CREATE_RULES: readonly CreateRule[] = [
  validateMetadataName,
  validateHostnameLabels,
  validateHostnameNotIp,
  validateHostnameUnique,
  validateVersionConcrete,
  validateImage,
  validateDatabaseImage,
  warnOfficialReplicas,
  validateDeveloperEmailsUnique,
  validateAdminSecretExternalOnly,
  validateDatabaseHost,
  validateDatabaseUserNotReserved,
  warnManagedOnlySettings,
  validateSizesPositive,
  validateIngressAnnotations,
  warnIngressClassOnRoute,
  warnUploadsAccessMode,
  validateResources,
  validatePluginNamesUnique,
  validatePluginRepositories,
  validatePluginRefs,
  validateEnvNames,
  validateEnvSources,
  warnMissingSecrets,
  validateCredentialsSecretNotForeign,
  validateBackupSchedule,
];

/** Transition rules, run on UPDATE against the stored object. */
export const UPDATE_RULES: readonly UpdateRule[] = [
  validateNoDowngrade,
  validateNoDatabaseSwitch,
  validateDatabaseIdentityImmutable,
  validateDatabaseStorageTransition,
  validateRedisStorageTransition,
  validateManagedDatabaseImmutable,
  validateUploadsTransition,
  validateAccessModeImmutable,
  validateBackupFieldsImmutable,
  validateBackupStorageGrowOnly,
];

/** Rules run on DELETE, on the stored object. */
export const DELETE_RULES: ReadonlyArray<(stored: Discourse) => ValidationResult> = [validateDeletionProtection];

const key = (e: FieldError): string => `${e.field}\u0000${e.type}`;
const identity = (e: FieldError): string => `${key(e)}\u0000${e.message}`;

/**
 * Schema errors first, minus those a rule error restates (same field and
 * type); then the rule errors. Identical errors appear once.
 */
export function mergeErrors(schema: readonly FieldError[], rules: readonly FieldError[]): FieldError[] {
  const restated = new Set(rules.map(key));
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of [...schema.filter((s) => !restated.has(key(s))), ...rules]) {
    if (seen.has(identity(e))) continue;
    seen.add(identity(e));
    out.push(e);
  }
  return out;
}

function validateObject(obj: Discourse, facts: ValidationFacts, operation: Operation): ValidationResult {
  const schema = obj.spec === undefined ? [required("spec")] : schemaErrors(obj.spec);
  const rules = mergeResults(CREATE_RULES.map((rule) => rule(obj, facts, operation)));
  return { errors: mergeErrors(schema, rules.errors), warnings: rules.warnings };
}

/** Most errors and warnings one answer lists; a forged object can hold hundreds of thousands of problems. */
export const MAX_REPORTED = 100;

/** The result with at most MAX_REPORTED errors and warnings; the last error says how many more there are. */
export function bounded(result: ValidationResult): ValidationResult {
  const { errors, warnings } = result;
  if (errors.length <= MAX_REPORTED && warnings.length <= MAX_REPORTED) return result;
  const more = errors.length - (MAX_REPORTED - 1);
  return {
    errors:
      errors.length <= MAX_REPORTED
        ? errors
        : [...errors.slice(0, MAX_REPORTED - 1), { type: "FieldValueTooMany", field: "", message: `and ${more} more problems not listed` }],
    warnings: warnings.slice(0, MAX_REPORTED),
  };
}

const asDiscourse = (v: unknown): Discourse | undefined => (isRecord(v) ? (v as unknown as Discourse) : undefined);

/**
 * Validates a Discourse for an admission operation.
 * @param object - the Discourse as it would be stored (after defaulting), as
 *   decoded JSON of any shape (rules take garbage); unused on DELETE.
 * @param oldObject - the stored Discourse (null/undefined on CREATE): compared
 *   against on UPDATE, checked on DELETE.
 * @param facts - what the caller learned from the cluster (hostnames, Secrets).
 * @param operation - CREATE, UPDATE or DELETE.
 * @returns every error (deny when non-empty) and every warning, at most
 *   MAX_REPORTED of each (the last error then counts the rest); never throws.
 */
export function validate(object: unknown, oldObject: unknown, facts: ValidationFacts, operation: Operation): ValidationResult {
  return bounded(validateUnbounded(object, oldObject, facts, operation));
}

function validateUnbounded(object: unknown, oldObject: unknown, facts: ValidationFacts, operation: Operation): ValidationResult {
  const obj = asDiscourse(object);
  const old = asDiscourse(oldObject);
  if (operation === "DELETE") {
    const stored = old ?? obj;
    return mergeResults(stored ? DELETE_RULES.map((rule) => rule(stored)) : []);
  }
  if (!obj) return { errors: [required("", "the request carries no object")], warnings: [] };
  const own = validateObject(obj, facts, operation);
  if (operation !== "UPDATE" || !old) return own;
  if (isDeepStrictEqual(obj.spec, old.spec)) return { errors: [], warnings: own.warnings };
  const transitions = mergeResults(UPDATE_RULES.map((rule) => rule(obj, old)));
  return { errors: mergeErrors(own.errors, transitions.errors), warnings: [...own.warnings, ...transitions.warnings] };
}
