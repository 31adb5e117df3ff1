/**
 * Names of the `DiscourseBackup` kind fixed by the API contract (shared/API.md, "Backups:
 * the DiscourseBackup resource"), shared by the CRD, the webhooks, the reconciler and the tests.
 */
import { GROUP } from "./constants.js";

export const BACKUP_KIND = "DiscourseBackup";
export const BACKUP_PLURAL = "discoursebackups";
export const BACKUP_SINGULAR = "discoursebackup";
export const BACKUP_SHORT_NAME = "dscb";
export const BACKUP_CRD_NAME = `${BACKUP_PLURAL}.${GROUP}`;

/** Why a backup was made: by hand, by `spec.backup.schedule`, or before an upgrade. */
export const BACKUP_REASONS = ["Manual", "Scheduled", "BeforeUpgrade"] as const;
export type BackupReason = (typeof BACKUP_REASONS)[number];
/** Values of `status.phase` of a DiscourseBackup. */
export const BACKUP_PHASES = ["Pending", "Running", "Completed", "Failed"] as const;
export type BackupPhase = (typeof BACKUP_PHASES)[number];

/** Completed backups of a forum kept when `spec.backup.retention` is left out. */
export const DEFAULT_BACKUP_RETENTION = 7;
/** Size of the volume `<name>-backups` when `spec.backup.storage.size` is left out. */
export const DEFAULT_BACKUP_STORAGE_SIZE = "20Gi";

/** Finalizer a DiscourseBackup carries until its files are removed (or kept under Retain). */
export const BACKUP_FINALIZER = `${GROUP}/backup-files`;
/** Label of a DiscourseBackup naming its Discourse (for listing a forum's backups by selector). */
export const BACKUP_DISCOURSE_LABEL = `${GROUP}/discourse`;
/** Label of a DiscourseBackup (and of its Job) with its reason. */
export const BACKUP_REASON_LABEL = `${GROUP}/backup-reason`;
/** Validating webhook of DiscourseBackup objects. */
export const BACKUP_VALIDATING_WEBHOOK_NAME = "validate-backup.discourse.cern";
export const BACKUP_VALIDATE_PATH = "/validate-discourse-cern-v1alpha1-discoursebackup";
