/**
 * Fields shared/API.md marks immutable that database-transitions.ts and
 * uploads.ts do not already cover, each checked on UPDATE against the stored
 * object (values in effect: set, or derived as the defaulting derives them):
 * - `storage.uploads.accessMode`: a claim's access modes cannot change
 *   (k8s.io/kubernetes pkg/apis/core/validation ValidatePersistentVolumeClaimUpdate:
 *   "spec is immutable after creation except resources.requests ...");
 * - `database.credentialsSecret` while managed: PostgreSQL keeps the password
 *   it was initialised with (docker-library/postgres 17/bookworm/docker-entrypoint.sh reads
 *   POSTGRES_PASSWORD only when the data directory is empty: `_main`, "only run
 *   initialization on an empty data directory"), so another
 *   Secret would hold a password the server never accepts;
 * - `database.version` while managed: a new major cannot start on the data
 *   directory of the old one (https://www.postgresql.org/docs/current/upgrading.html);
 * - `backup.storage.storageClassName`, as for the other volumes;
 * - `restore.backup`: only at creation.
 * Fields that only some schema versions have (backup, restore) are read
 * defensively, so each rule applies as soon as its field exists.
 */
import { DEFAULT_POSTGRES_VERSION } from "../../../src/api/constants.js";
import type { Discourse } from "../../../src/api/types.js";
import { credentialsSecretNameFor } from "../../defaulting/derived-names.js";
import { isManagedDatabase } from "../../defaulting/managed.js";
import { forbidden, invalid } from "../field-error.js";
import { OK, errorsOf, mergeResults, nameOf, valueAt, type ValidationResult } from "../types.js";
import { storageClassUnchanged } from "./database-transitions.js";

/** spec.storage.uploads.accessMode keeps its stored value (it may be set when it was absent). */
export function validateAccessModeImmutable(obj: Discourse, old: Discourse): ValidationResult {
  const previous: unknown = old.spec?.storage?.uploads?.accessMode;
  const next: unknown = obj.spec?.storage?.uploads?.accessMode;
  if (previous === undefined || next === previous) return OK;
  const was = typeof previous === "string" ? previous : JSON.stringify(previous);
  return errorsOf(invalid("spec.storage.uploads.accessMode", next ?? null, `field is immutable (was ${was}): the access modes of a claim cannot change`));
}

const credentialsSecretOf = (obj: Discourse): unknown => obj.spec?.database?.credentialsSecret ?? credentialsSecretNameFor(nameOf(obj));
const postgresVersionOf = (obj: Discourse): unknown => obj.spec?.database?.version ?? DEFAULT_POSTGRES_VERSION;

/** While the database stays managed, credentialsSecret and version keep their values. */
export function validateManagedDatabaseImmutable(obj: Discourse, old: Discourse): ValidationResult {
  if (!isManagedDatabase(old.spec) || !isManagedDatabase(obj.spec)) return OK;
  const secret = credentialsSecretOf(obj);
  const version = postgresVersionOf(obj);
  return mergeResults([
    secret !== credentialsSecretOf(old)
      ? errorsOf(invalid("spec.database.credentialsSecret", secret, "field is immutable while the database is managed: the server keeps the password it was initialised with"))
      : OK,
    version !== postgresVersionOf(old)
      ? errorsOf(
          invalid(
            "spec.database.version",
            version,
            `field is immutable while the database is managed (was ${String(postgresVersionOf(old))}): a major upgrade goes through a backup and a restore into a new forum`,
          ),
        )
      : OK,
  ]);
}

const BACKUP_CLASS = ["spec", "backup", "storage", "storageClassName"];
const RESTORE = ["spec", "restore", "backup"];

/** spec.backup.storage.storageClassName is immutable; spec.restore.backup is set at creation only. */
export function validateBackupFieldsImmutable(obj: Discourse, old: Discourse): ValidationResult {
  const nextClass = valueAt(obj, BACKUP_CLASS);
  const previousClass = valueAt(old, BACKUP_CLASS);
  const restore = valueAt(obj, RESTORE);
  return mergeResults([
    storageClassUnchanged(BACKUP_CLASS.join("."), nextClass as string | undefined, previousClass as string | undefined),
    restore !== valueAt(old, RESTORE) ? errorsOf(forbidden(RESTORE.join("."), "may only be set when the Discourse is created")) : OK,
  ]);
}
