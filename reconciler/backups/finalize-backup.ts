/**
 * Deletion of a DiscourseBackup (its finalizer `discourse.cern/backup-files` holds it while
 * this runs): its files are removed, except where the forum's policy keeps them.
 *
 * - The volume `<forum>-backups` is gone or going: the files go with it; nothing to do.
 * - The forum is being deleted under `deletionPolicy: Retain`, or is gone and Retain released
 *   the volume (labelled retained): the files stay, with the volume (API.md: Retain keeps the
 *   backups, however the forum and then its backups are deleted).
 * - An active restore Job (of this forum or another, backups-in-use.ts) reads the files: the
 *   deletion waits until it finished (an Event `BackupInUse` on the forum and a log line say
 *   why; the restore Job's changes, and a recheck every 30 s, look again).
 * - Otherwise: a backup Job still running is stopped first (it could finish writing after
 *   the cleanup); then the cleanup Job `<forum>-cleanup-<backup>` removes `/backups/<backup>`;
 *   once it succeeded, the finalizer goes. A failed cleanup keeps the finalizer and says so
 *   in an Event; deleting the cleanup Job makes a new attempt.
 */
import { DEFAULT_POSTGRES_VERSION, LABEL_RETAINED } from "../../src/api/constants.js";
import { BACKUP_FINALIZER } from "../../src/api/backup-constants.js";
import type { DiscourseBackup } from "../../src/api/types.js";
import { buildCleanupJob } from "../builders/backup-job.js";
import { pgvectorImage } from "../builders/images.js";
import { BACKUP_ANNOTATION, backupJobName, backupsClaimName, cleanupJobName } from "../builders/backup-names.js";
import { COMPONENTS } from "../builders/metadata.js";
import { statusCode, type KubeObject } from "../client/kube-client.js";
import { jobOutcome } from "./backup-status.js";
import { backupsReadByRestores } from "./backups-in-use.js";
import type { BackupContext } from "./context.js";
import { setBackupFinalizers } from "./backup-finalizer.js";

/** How often a deletion waiting for a Job to go away is looked at again, in milliseconds. */
const RECHECK_MS = 2000;
/**
 * How often a deletion held by a restore is looked at again, in milliseconds: only a safety
 * net, as the restore Job's own changes queue the backup (backup-controller.ts `onJob`).
 */
const RESTORE_RECHECK_MS = 30_000;

async function live(ctx: BackupContext, kind: string, apiVersion: string, namespace: string, name: string): Promise<KubeObject | undefined> {
  if (ctx.store.covers(kind)) return ctx.store.get(kind, namespace, name);
  return (await ctx.client.get({ apiVersion, kind, namespace, name })) ?? undefined;
}

async function done(ctx: BackupContext, obj: KubeObject, why: string, forum: KubeObject | undefined): Promise<void> {
  await setBackupFinalizers(ctx, obj, (obj.metadata.finalizers ?? []).filter((f) => f !== BACKUP_FINALIZER));
  ctx.logger.info({ backup: obj.metadata.name }, `DiscourseBackup ${obj.metadata.name} deleted: ${why}`);
  if (forum && !forum.metadata.deletionTimestamp) await ctx.events.record(forum, "Normal", "BackupDeleted", `DiscourseBackup ${obj.metadata.name} deleted: ${why}`);
}

/** The PostgreSQL image of the forum, the one its backup Jobs ran (any image with a shell will do for `rm`). */
function cleanupImage(forum: KubeObject | undefined): string {
  const db = (forum?.spec as { database?: { version?: string; image?: string } } | undefined)?.database;
  return db?.image ?? pgvectorImage(db?.version ?? DEFAULT_POSTGRES_VERSION);
}

/**
 * Why the files need no cleanup Job (they went with the volume, or Retain keeps them).
 * @param claim - the live `<forum>-backups` claim; @param forum - the live Discourse, if any.
 * @returns the reason, or null when a cleanup Job must remove them.
 */
export function noCleanupReason(claim: KubeObject | undefined, forum: KubeObject | undefined, claimName: string): string | null {
  if (!claim || claim.metadata.deletionTimestamp) return `its files went with the volume ${claimName}`;
  const policy = (forum?.spec as { deletionPolicy?: string } | undefined)?.deletionPolicy ?? "Retain";
  if (forum?.metadata.deletionTimestamp && policy === "Retain") return "its files are kept with the forum's volume (deletionPolicy Retain)";
  // the forum is gone and Retain released its volume: what it kept is not ours to remove
  if (claim.metadata.labels?.[LABEL_RETAINED] === "true") return `its files are kept on the retained volume ${claimName} (deletionPolicy Retain)`;
  return null;
}

/** Stops a backup Job that has not finished. @returns true while one is still there. */
async function stopBackupJob(ctx: BackupContext, namespace: string, name: string, forumName: string): Promise<boolean> {
  const job = ctx.store.get("Job", namespace, backupJobName(forumName, name));
  if (!job) return false;
  // A Job marked FailureTarget (its deadline passed) reads as failed while its pod still
  // runs and writes: the Job controller ends the pod after setting it. Wait for the pods too.
  const status = (job as { status?: { active?: number; terminating?: number } }).status;
  const podsLeft = (status?.active ?? 0) + (status?.terminating ?? 0) > 0;
  if (!["waiting", "running"].includes(jobOutcome(job)) && !podsLeft) return false;
  if (!job.metadata.deletionTimestamp) await ctx.client.delete({ apiVersion: "batch/v1", kind: "Job", namespace, name: job.metadata.name }, job.metadata.uid);
  ctx.enqueueBackupAfter(`${namespace}/${name}`, RECHECK_MS);
  return true;
}

/** Holds the deletion while the restore Job `restoreJob` reads the files. */
async function waitForRestore(ctx: BackupContext, obj: KubeObject, restoreJob: string, forum: KubeObject | undefined): Promise<void> {
  const name = obj.metadata.name;
  const message = `DiscourseBackup ${name} is being deleted: its files are kept until restore Job ${restoreJob}, which reads them, finished`;
  ctx.logger.info({ backup: name, job: restoreJob }, message);
  if (forum && !forum.metadata.deletionTimestamp) await ctx.events.record(forum, "Normal", "BackupInUse", message);
  ctx.enqueueBackupAfter(`${obj.metadata.namespace ?? ""}/${name}`, RESTORE_RECHECK_MS);
}

async function createCleanupJob(ctx: BackupContext, job: KubeObject): Promise<void> {
  try {
    ctx.store.remember(await ctx.client.create(job));
  } catch (err) {
    if (statusCode(err) !== 409) throw err;
  }
  ctx.logger.info({ job: job.metadata.name }, `removing the files of DiscourseBackup ${job.metadata.annotations?.[BACKUP_ANNOTATION] ?? ""} (Job ${job.metadata.name})`);
}

/** See the file comment. @throws the API error of a failed write (the key is retried). */
export async function finalizeBackup(ctx: BackupContext, obj: KubeObject): Promise<void> {
  if (!(obj.metadata.finalizers ?? []).includes(BACKUP_FINALIZER)) return;
  const namespace = obj.metadata.namespace ?? "";
  const name = obj.metadata.name;
  const forumName = (obj as unknown as DiscourseBackup).spec?.discourse ?? "";
  const forum = ctx.discourses.get(namespace, forumName);
  const claimName = backupsClaimName(forumName);
  const skip = noCleanupReason(await live(ctx, "PersistentVolumeClaim", "v1", namespace, claimName), forum, claimName);
  if (skip) return done(ctx, obj, skip, forum);
  const restoreJob = backupsReadByRestores(await ctx.store.withComponent("Job", namespace, COMPONENTS.restore)).get(name);
  if (restoreJob) return waitForRestore(ctx, obj, restoreJob, forum);
  if (await stopBackupJob(ctx, namespace, name, forumName)) return;
  const cleanupName = cleanupJobName(forumName, name);
  const cleanup = ctx.store.get("Job", namespace, cleanupName);
  if (!cleanup) return createCleanupJob(ctx, buildCleanupJob(forumName, namespace, name, cleanupImage(forum)) as unknown as KubeObject);
  const outcome = jobOutcome(cleanup);
  if (outcome === "succeeded") return done(ctx, obj, `its files were removed by Job ${cleanupName}`, forum);
  if (outcome === "failed" && forum) {
    await ctx.events.record(forum, "Warning", "BackupCleanupFailed", `Job ${cleanupName} could not remove the files of DiscourseBackup ${name}; delete the Job to try again`);
  }
}
