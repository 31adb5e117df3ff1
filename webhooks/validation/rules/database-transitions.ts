/**
 * spec.database on UPDATE: no switch between a managed and an external
 * database (the data would not follow); name, user and the volume's
 * StorageClass are immutable; the managed volume may grow, never shrink
 * (a PersistentVolumeClaim can only be expanded:
 * https://kubernetes.io/docs/concepts/storage/persistent-volumes/#expanding-persistent-volumes-claims).
 */
import type { Discourse } from "../../../src/api/types.js";
import { databaseNameFor } from "../../defaulting/derived-names.js";
import { DEFAULT_REDIS_VOLUME_SIZE } from "../../../src/api/constants.js";
import { isManagedDatabase, isManagedRedis } from "../../defaulting/managed.js";
import { forbidden, invalid } from "../field-error.js";
import { compareQuantities, quantityText } from "../quantity.js";
import { OK, errorsOf, mergeResults, nameOf, type ValidationResult } from "../types.js";
import { DEFAULT_STORAGE_SIZE } from "./database.js";

/** The database name in effect: spec.database.name or the one derived from metadata.name. */
function effectiveName(obj: Discourse): string {
  return obj.spec?.database?.name ?? databaseNameFor(nameOf(obj));
}

/** The role in effect: spec.database.user or the database name. */
function effectiveUser(obj: Discourse): string {
  return obj.spec?.database?.user ?? effectiveName(obj);
}

/** The database does not switch between managed (empty host) and external. */
export function validateNoDatabaseSwitch(obj: Discourse, old: Discourse): ValidationResult {
  const wasManaged = isManagedDatabase(old.spec);
  if (isManagedDatabase(obj.spec) === wasManaged) return OK;
  return errorsOf(
    forbidden(
      "spec.database.host",
      wasManaged
        ? "may not be set: the database is managed by the operator and cannot switch to an external server"
        : "may not be emptied: the database is external and cannot switch to one managed by the operator",
    ),
  );
}

/** spec.database.name and spec.database.user keep the values in effect (set or derived). */
export function validateDatabaseIdentityImmutable(obj: Discourse, old: Discourse): ValidationResult {
  const name = effectiveName(obj);
  const user = effectiveUser(obj);
  return mergeResults([
    name !== effectiveName(old) ? errorsOf(invalid("spec.database.name", name, "database name is immutable")) : OK,
    user !== effectiveUser(old) ? errorsOf(invalid("spec.database.user", user, "database user is immutable")) : OK,
  ]);
}

/** spec.database.storage: StorageClass immutable; size (managed only) never shrinks. */
export function validateDatabaseStorageTransition(obj: Discourse, old: Discourse): ValidationResult {
  const next = obj.spec?.database?.storage;
  const previous = old.spec?.database?.storage;
  return mergeResults([
    storageClassUnchanged("spec.database.storage.storageClassName", next?.storageClassName, previous?.storageClassName),
    isManagedDatabase(obj.spec)
      ? sizeNotShrunk("spec.database.storage.size", next?.size ?? DEFAULT_STORAGE_SIZE, previous?.size ?? DEFAULT_STORAGE_SIZE)
      : OK,
  ]);
}

/** spec.redis.storage.size (managed Redis only) never shrinks, like the database volume. */
export function validateRedisStorageTransition(obj: Discourse, old: Discourse): ValidationResult {
  if (!isManagedRedis(obj.spec)) return OK;
  const next = obj.spec?.redis?.storage?.size ?? DEFAULT_REDIS_VOLUME_SIZE;
  const previous = old.spec?.redis?.storage?.size ?? DEFAULT_REDIS_VOLUME_SIZE;
  return sizeNotShrunk("spec.redis.storage.size", next, previous);
}

/** A StorageClass name may not change, be set or be removed. */
export function storageClassUnchanged(field: string, next: string | undefined, previous: string | undefined): ValidationResult {
  if (next === previous) return OK;
  return errorsOf(invalid(field, next ?? null, "storageClassName is immutable"));
}

/** A volume size may grow or stay, never shrink. */
export function sizeNotShrunk(field: string, next: unknown, previous: unknown): ValidationResult {
  if (compareQuantities(next, previous) !== -1) return OK;
  return errorsOf(forbidden(field, `may not be less than the current size ${quantityText(previous)}: volumes can grow, never shrink`));
}
