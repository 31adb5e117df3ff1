/**
 * The two migration gates of the backups work (reconciler/steps/migration-gates.ts has the
 * list), pure:
 *
 * - restore: a forum created with `spec.restore.backup` runs its restore Job before its
 *   first migration (API.md, `<name>-restore`: "before the first migration"). The named
 *   DiscourseBackup must exist and be Completed; the Job must succeed. A bad checksum or a
 *   database that is not empty fails the Job before anything is loaded; the forum is then
 *   Degraded (RestoreFailed) and no migration runs.
 * - backup before an upgrade: with `backup.beforeUpgrade`, the pre-deployment migration of
 *   new code on a forum that runs waits for a Completed DiscourseBackup made for that code
 *   revision (`<name>-before-<revision>`, reason BeforeUpgrade). A Failed one stops the
 *   upgrade: the old code keeps serving, Degraded with reason BackupFailed; deleting the
 *   failed backup makes a new attempt.
 *
 * The objects these gates wait for are made by reconciler/steps/backup-gates.ts.
 */
import type { DiscourseBackup } from "../../src/api/types.js";
import { restoreJobName } from "../builders/backup-names.js";
import type { KubeObject } from "../client/kube-client.js";
import { jobState } from "../steps/job-state.js";

/** What the gates read besides the Discourse: the backups and the restore Job. */
export interface BackupGateFacts {
  /** The DiscourseBackup `spec.restore.backup` names, when it exists. */
  restoreSource?: DiscourseBackup;
  /** Live Job `<name>-restore`. */
  restoreJob?: KubeObject;
  /** The BeforeUpgrade DiscourseBackup of the revision to migrate to, when it exists. */
  beforeUpgradeBackup?: DiscourseBackup;
}

export type Verdict = { state: "ready" } | { state: "waiting" | "failed"; reason: string; message: string };

const READY: Verdict = { state: "ready" };

/**
 * Name of the BeforeUpgrade backup of `forum` for the code of `version` with revision
 * `revision` (app-code.ts: version, image and plugins): `<forum>-before-<version>-<revision>`,
 * dots as dashes (`blog-before-3-5-3-0f1e2d3c4b5a`).
 */
export function beforeUpgradeBackupName(forum: string, version: string, revision: string): string {
  return `${forum}-before-${version.toLowerCase().replace(/[^a-z0-9-]/g, "-")}-${revision}`.slice(0, 253);
}

/** The restore gate (see the file comment). */
export function checkRestore(o: { forum: string; restore?: { backup: string }; firstMigration: boolean }, f: BackupGateFacts): Verdict {
  if (!o.restore || !o.firstMigration) return READY;
  const name = o.restore.backup;
  const source = f.restoreSource;
  if (!source) return { state: "failed", reason: "RestoreBackupNotFound", message: `DiscourseBackup ${name} (spec.restore.backup) does not exist in this namespace` };
  if (source.status?.phase === "Failed") return { state: "failed", reason: "RestoreBackupFailed", message: `DiscourseBackup ${name} failed: there is nothing to restore from` };
  if (source.status?.phase !== "Completed") return { state: "waiting", reason: "WaitingForBackup", message: `waiting for DiscourseBackup ${name} to complete before restoring from it` };
  const job = jobState(f.restoreJob);
  if (job === "succeeded") return READY;
  const jobName = restoreJobName(o.forum);
  if (job === "failed") {
    return { state: "failed", reason: "RestoreFailed", message: `Job ${jobName} could not restore DiscourseBackup ${name} (a checksum that does not match, or a database that is not empty; nothing was migrated): see its logs` };
  }
  return { state: "waiting", reason: "Restoring", message: `restoring the database and uploads from DiscourseBackup ${name} (Job ${jobName})` };
}

/** The backup-before-upgrade gate (see the file comment). */
export function checkBackupBeforeUpgrade(o: { beforeUpgrade: boolean; pre: boolean; firstMigration: boolean; backupName: string }, f: BackupGateFacts): Verdict {
  if (!o.beforeUpgrade || !o.pre || o.firstMigration) return READY;
  const phase = f.beforeUpgradeBackup?.status?.phase;
  if (phase === "Completed") return READY;
  if (phase === "Failed") {
    const why = f.beforeUpgradeBackup?.status?.message ?? "see its status";
    return { state: "failed", reason: "BackupFailed", message: `the backup before the upgrade, DiscourseBackup ${o.backupName}, failed (${why}); the upgrade is stopped and the running version keeps serving; delete the backup to try again` };
  }
  return { state: "waiting", reason: "WaitingForBackup", message: `waiting for DiscourseBackup ${o.backupName} to complete before migrating to the new code` };
}
