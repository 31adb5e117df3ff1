/**
 * Validation of a `DiscourseBackup` (shared/API.md, "Backups"): the schema, the Discourse
 * it names exists in its namespace (CREATE; a fact gathered at the edge), and `spec` never
 * changes (UPDATE; the CRD's CEL rule says the same, this gives the message on every
 * apiserver and offline). DELETE is always allowed: the finalizer decides what happens to
 * the files. Pure, like validate.ts.
 */
import { isDeepStrictEqual } from "node:util";
import { backupSpecValidator, schemaErrors } from "../../src/api/ajv.js";
import type { DiscourseBackup } from "../../src/api/types.js";
import { forbidden, invalid, required } from "./field-error.js";
import { isRecord, namespaceOf, OK, errorsOf, mergeResults, type Operation, type ValidationResult } from "./types.js";
import { mergeErrors } from "./validate.js";

/** What the backup rules need from the cluster. */
export interface BackupFacts {
  /** Whether the Discourse named by spec.discourse exists in the backup's namespace; undefined: not known (offline). */
  discourseExists?: boolean;
}

/** spec.discourse names a Discourse that exists in the namespace (CREATE only: it may be deleted later). */
export function validateDiscourseExists(obj: DiscourseBackup, facts: BackupFacts): ValidationResult {
  const name = obj.spec?.discourse;
  if (typeof name !== "string" || facts.discourseExists !== false) return OK;
  return errorsOf(invalid("spec.discourse", name, `no Discourse ${name} in namespace ${namespaceOf(obj)}`));
}

/** spec is immutable: a backup is made once, of one forum, for one reason. */
export function validateBackupSpecImmutable(obj: DiscourseBackup, old: DiscourseBackup): ValidationResult {
  if (isDeepStrictEqual(obj.spec, old.spec)) return OK;
  return errorsOf(forbidden("spec", "is immutable: create a new DiscourseBackup instead"));
}

const asBackup = (v: unknown): DiscourseBackup | undefined => (isRecord(v) ? (v as unknown as DiscourseBackup) : undefined);

/**
 * Validates a DiscourseBackup for an admission operation.
 * @param object - the object as it would be stored (any JSON; rules take garbage).
 * @param oldObject - the stored object on UPDATE.
 * @param facts - whether the named Discourse exists.
 * @returns every error and warning; never throws.
 */
export function validateBackup(object: unknown, oldObject: unknown, facts: BackupFacts, operation: Operation): ValidationResult {
  if (operation === "DELETE") return OK;
  const obj = asBackup(object);
  if (!obj) return { errors: [required("", "the request carries no object")], warnings: [] };
  const schema = obj.spec === undefined ? [required("spec")] : schemaErrors(obj.spec, "spec", backupSpecValidator());
  const old = asBackup(oldObject);
  const rules = mergeResults([
    operation === "CREATE" ? validateDiscourseExists(obj, facts) : OK,
    operation === "UPDATE" && old ? validateBackupSpecImmutable(obj, old) : OK,
  ]);
  return { errors: mergeErrors(schema, rules.errors), warnings: rules.warnings };
}
