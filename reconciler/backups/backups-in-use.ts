/**
 * Which DiscourseBackups an active restore reads, pure. A restore Job `<forum>-restore`
 * (component `restore`, reconciler/builders/restore-job.ts) reads the files of the backup its
 * annotation `discourse.cern/backup` names, from the volume of the forum the backup was taken
 * from; that forum may be this one or another in the namespace (`spec.restore.backup` names a
 * DiscourseBackup of the namespace, API.md). While such a Job may still run, the backup must
 * keep its files: retention does not prune it, and its finalizer waits before the cleanup Job
 * removes them (reconcile-forum-backups.ts, finalize-backup.ts).
 *
 * "May still run" is `jobState` `active` (reconciler/steps/job-state.ts): not yet finished,
 * whether its pod is pending, running or retrying.
 */
import { LABEL_COMPONENT } from "../../src/api/constants.js";
import { BACKUP_ANNOTATION } from "../builders/backup-names.js";
import { COMPONENTS } from "../builders/metadata.js";
import type { KubeObject } from "../client/kube-client.js";
import { jobState } from "../steps/job-state.js";

/**
 * The backups read by active restore Jobs among `jobs` (the Jobs of one namespace).
 * @returns backup name → the name of a restore Job reading it (the first one, by Job name).
 */
export function backupsReadByRestores(jobs: readonly KubeObject[]): Map<string, string> {
  const reading = new Map<string, string>();
  const restores = jobs
    .filter((j) => j.metadata.labels?.[LABEL_COMPONENT] === COMPONENTS.restore && jobState(j) === "active")
    .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  for (const job of restores) {
    const backup = job.metadata.annotations?.[BACKUP_ANNOTATION];
    if (backup && !reading.has(backup)) reading.set(backup, job.metadata.name);
  }
  return reading;
}
