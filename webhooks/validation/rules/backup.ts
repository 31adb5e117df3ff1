/**
 * spec.backup of a Discourse (shared/API.md): the schedule is a valid five-field cron
 * expression; the backups volume may grow and never shrink (a PVC can only be expanded:
 * https://kubernetes.io/docs/concepts/storage/persistent-volumes/#expanding-persistent-volumes-claims).
 * Sizes greater than zero, the StorageClass and `restore` being immutable are
 * rules/sizes.ts and rules/immutable.ts.
 */
import { DEFAULT_BACKUP_STORAGE_SIZE } from "../../../src/api/backup-constants.js";
import type { Discourse } from "../../../src/api/types.js";
import { scheduleError } from "../cron-schedule.js";
import { invalid } from "../field-error.js";
import { OK, errorsOf, type ValidationResult } from "../types.js";
import { sizeNotShrunk } from "./database-transitions.js";

/** spec.backup.schedule parses as a five-field cron expression. */
export function validateBackupSchedule(obj: Discourse): ValidationResult {
  const schedule = obj.spec?.backup?.schedule;
  if (typeof schedule !== "string") return OK;
  const why = scheduleError(schedule);
  return why === null ? OK : errorsOf(invalid("spec.backup.schedule", schedule, `not a five-field cron expression: ${why}`));
}

/** The backups volume on UPDATE: its size never shrinks. */
export function validateBackupStorageGrowOnly(obj: Discourse, old: Discourse): ValidationResult {
  const next = obj.spec?.backup?.storage?.size ?? DEFAULT_BACKUP_STORAGE_SIZE;
  const previous = old.spec?.backup?.storage?.size ?? DEFAULT_BACKUP_STORAGE_SIZE;
  return sizeNotShrunk("spec.backup.storage.size", next, previous);
}
