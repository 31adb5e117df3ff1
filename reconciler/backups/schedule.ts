/**
 * Schedules and retention of one forum's backups, pure (API.md `backup.schedule`,
 * `backup.retention`).
 *
 * - Schedule: the operator makes a `Scheduled` DiscourseBackup when the latest due time of
 *   `backup.schedule` (UTC) is later than both the newest `Scheduled` backup of the forum and
 *   the forum itself. So a run missed while the operator was down is made once when it
 *   comes back (for the latest due time), never once per missed time. Its name carries the
 *   due time, `<forum>-<yyyymmdd>-<hhmm>`: two replicas or a retry make the same object.
 * - Retention: of the forum's `Completed` backups (any reason, a BeforeUpgrade one too), the
 *   newest `backup.retention` are kept; the older ones are deleted (their finalizer removes
 *   their files). Pending, Running and Failed backups are not counted. A backup an active
 *   restore Job reads is kept until that Job finished (backups-in-use.ts).
 */
import { BACKUP_KIND } from "../../src/api/backup-constants.js";
import type { DiscourseBackup } from "../../src/api/types.js";
import { lastDue } from "../../webhooks/validation/cron-schedule.js";
import { dnsLabel } from "../builders/backup-names.js";

/** The backups of `forum` among `all` (any namespace filter is the caller's). */
export function backupsOf(forum: string, all: readonly DiscourseBackup[]): DiscourseBackup[] {
  return all.filter((b) => b.kind === BACKUP_KIND && b.spec?.discourse === forum);
}

/** Milliseconds of a timestamp as the API sends it (a string) or the client types it (a Date); NaN when absent. */
export function time(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  return typeof v === "string" ? Date.parse(v) : Number.NaN;
}

/** `2026-05-02T03:00:00Z` as `20260502-0300`. */
function stamp(d: Date): string {
  const iso = d.toISOString();
  return `${iso.slice(0, 10).replace(/-/g, "")}-${iso.slice(11, 16).replace(":", "")}`;
}

/** Name of the Scheduled backup of `forum` due at `due`. */
export function scheduledBackupName(forum: string, due: Date): string {
  return dnsLabel(`${forum}-${stamp(due)}`);
}

/**
 * The Scheduled backup to make now, or null.
 * @param schedule - `spec.backup.schedule` (already validated; an invalid one gives null).
 * @param forumCreated - the forum's creationTimestamp.
 */
export function dueScheduledBackup(forum: string, schedule: string | undefined, forumCreated: unknown, backups: readonly DiscourseBackup[], now: Date): { name: string; due: Date } | null {
  if (!schedule) return null;
  let due: Date;
  try {
    due = lastDue(schedule, now);
  } catch {
    return null;
  }
  const scheduled = backups.filter((b) => b.spec.reason === "Scheduled").map((b) => time(b.metadata.creationTimestamp));
  const since = Math.max(time(forumCreated) || 0, ...scheduled.filter((t) => !Number.isNaN(t)));
  return due.getTime() > since ? { name: scheduledBackupName(forum, due), due } : null;
}

/** When a backup completed, for ordering: completedAt, else its creation. */
function completedTime(b: DiscourseBackup): number {
  const t = time(b.status?.completedAt);
  return Number.isNaN(t) ? time(b.metadata.creationTimestamp) : t;
}

/**
 * The Completed backups beyond `retention`, oldest first: the ones to delete.
 * Backups already being deleted count neither way. A backup an active restore Job reads
 * (`readByRestore`, from backups-in-use.ts) is not deleted now: it still counts as one of the
 * completed ones, and it is pruned once the restore finished.
 * @param readByRestore - names of the backups active restore Jobs read (a Set or a Map by name).
 */
export function backupsBeyondRetention(backups: readonly DiscourseBackup[], retention: number, readByRestore: Pick<ReadonlySet<string>, "has"> = new Set()): DiscourseBackup[] {
  const completed = backups
    .filter((b) => b.status?.phase === "Completed" && !b.metadata.deletionTimestamp)
    .sort((a, b) => completedTime(a) - completedTime(b) || (a.metadata.name ?? "").localeCompare(b.metadata.name ?? ""));
  return completed.slice(0, Math.max(0, completed.length - Math.max(1, retention))).filter((b) => !readByRestore.has(b.metadata.name ?? ""));
}
