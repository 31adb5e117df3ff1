/**
 * Names of the backup children (API.md, "What the reconciler creates"): the claim
 * `<name>-backups`, the Jobs `<name>-backup-<backup>`, `<name>-cleanup-<backup>` and
 * `<name>-restore`. Job names are DNS labels of at most 63 characters (a Job's name becomes
 * the `job-name` label of its pods): a longer one keeps its start and ends with a hash of
 * the whole, so it stays unique.
 */
import { createHash } from "node:crypto";
import { GROUP } from "../../src/api/constants.js";

/** Mount path of the backups volume in the backup, cleanup and restore pods. */
export const BACKUPS_MOUNT_PATH = "/backups";
/** Annotation on the backup and cleanup Jobs naming their DiscourseBackup (its name may be longer than a label value). */
export const BACKUP_ANNOTATION = `${GROUP}/backup`;

const MAX_NAME = 63;

/** `text` as a DNS label of at most 63 characters (see the file comment). */
export function dnsLabel(text: string): string {
  if (text.length <= MAX_NAME) return text;
  const hash = createHash("sha256").update(text).digest("hex").slice(0, 8);
  return `${text.slice(0, MAX_NAME - hash.length - 1).replace(/[-.]+$/, "")}-${hash}`;
}

/** The volume of a forum's backups: `<forum>-backups`. */
export const backupsClaimName = (forum: string): string => `${forum}-backups`;

/** What follows `<forum>-<kind>-` in a Job's name: the backup's name without a leading `<forum>-`. */
function suffix(forum: string, backup: string): string {
  const rest = backup.startsWith(`${forum}-`) ? backup.slice(forum.length + 1) : backup;
  return rest.replace(/\./g, "-");
}

/** The Job writing one backup: `<forum>-backup-<backup>` (`nightly` of `blog` gives `blog-backup-nightly`). */
export const backupJobName = (forum: string, backup: string): string => dnsLabel(`${forum}-backup-${suffix(forum, backup)}`);

/** The Job removing one backup's files: `<forum>-cleanup-<backup>`. */
export const cleanupJobName = (forum: string, backup: string): string => dnsLabel(`${forum}-cleanup-${suffix(forum, backup)}`);

/** The Job restoring a new forum from a backup: `<forum>-restore`. */
export const restoreJobName = (forum: string): string => dnsLabel(`${forum}-restore`);

/** Where a backup's files are, as status.location says it: `pvc/<claim>/<backup>`. */
export const backupLocation = (forum: string, backup: string): string => `pvc/${backupsClaimName(forum)}/${backup}`;
