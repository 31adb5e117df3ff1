/**
 * spec.backup and spec.restore of a Discourse (shared/API.md): the schedule is a valid
 * five-field cron expression; the backups volume is larger than zero, may grow and never
 * shrink, and keeps its StorageClass (a PVC can only be expanded:
 * https://kubernetes.io/docs/concepts/storage/persistent-volumes/#expanding-persistent-volumes-claims);
 * `restore` is set on CREATE only and never changes.
 */
import { isDeepStrictEqual } from "node:util";
import { DEFAULT_BACKUP_STORAGE_SIZE } from "../../../src/api/backup-constants.js";
import type { Discourse } from "../../../src/api/types.js";
import { scheduleError } from "../cron-schedule.js";
import { forbidden, invalid } from "../field-error.js";
import { compareQuantities } from "../quantity.js";
import { OK, errorsOf, mergeResults, type ValidationResult } from "../types.js";
import { sizeNotShrunk, storageClassUnchanged } from "./database-transitions.js";

/** spec.backup.schedule parses as a five-field cron expression. */
export function validateBackupSchedule(obj: Discourse): ValidationResult {
  const schedule = obj.spec?.backup?.schedule;
  if (typeof schedule !== "string") return OK;
  const why = scheduleError(schedule);
  return why === null ? OK : errorsOf(invalid("spec.backup.schedule", schedule, `not a five-field cron expression: ${why}`));
}

/** spec.backup.storage.size is greater than zero. */
export function validateBackupStorageSize(obj: Discourse): ValidationResult {
  const size = obj.spec?.backup?.storage?.size;
  const sign = size === undefined ? null : compareQuantities(size, 0);
  // null: absent, or not a quantity (the schema reports that).
  if (sign === null || sign === 1) return OK;
  return errorsOf(invalid("spec.backup.storage.size", size, "must be greater than zero"));
}

/** The backups volume on UPDATE: StorageClass immutable, size never shrinks. */
export function validateBackupStorageTransition(obj: Discourse, old: Discourse): ValidationResult {
  const next = obj.spec?.backup?.storage;
  const previous = old.spec?.backup?.storage;
  return mergeResults([
    storageClassUnchanged("spec.backup.storage.storageClassName", next?.storageClassName, previous?.storageClassName),
    sizeNotShrunk("spec.backup.storage.size", next?.size ?? DEFAULT_BACKUP_STORAGE_SIZE, previous?.size ?? DEFAULT_BACKUP_STORAGE_SIZE),
  ]);
}

/** spec.restore is given on CREATE only: an UPDATE may neither set, change nor remove it. */
export function validateRestoreCreateOnly(obj: Discourse, old: Discourse): ValidationResult {
  if (isDeepStrictEqual(obj.spec?.restore, old.spec?.restore)) return OK;
  return errorsOf(forbidden("spec.restore", "may only be set when the Discourse is created, and is immutable then"));
}
