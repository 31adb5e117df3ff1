/**
 * spec.database rules a schema cannot say (shared/API.md): `adminSecret` only
 * for an external server; `version` and `storage` only mean something for the
 * managed database, so setting them for an external one is warned about.
 */
import { DEFAULT_POSTGRES_VERSION } from "../../../src/api/constants.js";
import type { Discourse } from "../../../src/api/types.js";
import { isManagedDatabase } from "../../defaulting/managed.js";
import { forbidden } from "../field-error.js";
import { compareQuantities } from "../quantity.js";
import { OK, errorsOf, mergeResults, warningsOf, type ValidationResult } from "../types.js";

/** Default size of the database and uploads volumes. */
export const DEFAULT_STORAGE_SIZE = "10Gi";

/** spec.database.adminSecret is set only together with spec.database.host. */
export function validateAdminSecretExternalOnly(obj: Discourse): ValidationResult {
  const db = obj.spec?.database;
  if (!db?.adminSecret || !isManagedDatabase(obj.spec)) return OK;
  return errorsOf(
    forbidden("spec.database.adminSecret", "may only be set with spec.database.host (an external database); the managed database is initialised by the operator"),
  );
}

/**
 * Warns when an external database carries managed-only settings that differ
 * from their defaults (defaults are always present after defaulting).
 */
export function warnManagedOnlySettings(obj: Discourse): ValidationResult {
  const db = obj.spec?.database;
  if (!db || isManagedDatabase(obj.spec)) return OK;
  const ignored = "is ignored: spec.database.host is set, so the database is external";
  const versionSet = db.version !== undefined && db.version !== DEFAULT_POSTGRES_VERSION;
  const size = db.storage?.size;
  const storageSet =
    db.storage?.storageClassName !== undefined || (size !== undefined && compareQuantities(size, DEFAULT_STORAGE_SIZE) !== 0);
  return mergeResults([
    versionSet ? warningsOf(`spec.database.version ${ignored}`) : OK,
    storageSet ? warningsOf(`spec.database.storage ${ignored}`) : OK,
    db.image !== undefined ? warningsOf(`spec.database.image ${ignored}`) : OK,
  ]);
}
