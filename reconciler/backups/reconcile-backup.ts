/**
 * One reconcile of one DiscourseBackup, a short ordered list of steps:
 *
 * 1. read it from the cache (gone: nothing to do);
 * 2. being deleted: remove its files (finalize-backup.ts), then its finalizer;
 * 3. hold the finalizer `discourse.cern/backup-files`;
 * 4. a final phase (Completed, Failed) is left alone;
 * 5. with its Discourse there and valid: the volume `<forum>-backups`, then the backup Job
 *    (created once);
 * 6. status from the Job (and, once it finished, its pod's termination message), written
 *    only on change; an Event on the forum at each change of phase.
 */
import { objectKey, splitKey } from "../informer/object-cache.js";
import { BACKUP_FINALIZER } from "../../src/api/backup-constants.js";
import type { DefaultedDiscourse, DiscourseBackup, DiscourseBackupStatus } from "../../src/api/types.js";
import { applyChild, type ApplyContext } from "../apply/apply-child.js";
import { buildBackupJob } from "../builders/backup-job.js";
import { backupJobName, backupLocation } from "../builders/backup-names.js";
import { buildBackupsClaim } from "../builders/backups-claim.js";
import type { KubeObject } from "../client/kube-client.js";
import { checkSpec } from "../steps/check-spec.js";
import { canonicalJson } from "../builders/app-code.js";
import { compact, jobOutcome, nextBackupStatus } from "./backup-status.js";
import type { BackupContext } from "./context.js";
import { setBackupFinalizers } from "./backup-finalizer.js";
import { finalizeBackup } from "./finalize-backup.js";
import { terminationMessage } from "./pod-message.js";

export type BackupOutcome = "not-found" | "finalizing" | "final" | "pending" | "running" | "completed" | "failed";

async function ensureFinalizer(ctx: BackupContext, obj: KubeObject): Promise<KubeObject> {
  const current = obj.metadata.finalizers ?? [];
  return current.includes(BACKUP_FINALIZER) ? obj : setBackupFinalizers(ctx, obj, [...current, BACKUP_FINALIZER]);
}

/** The Discourse of a backup, defaulted; null when it is missing, being deleted or invalid. */
export function forumOf(ctx: BackupContext, namespace: string, name: string): { live?: KubeObject; defaulted?: DefaultedDiscourse } {
  const live = ctx.discourses.get(namespace, name);
  if (!live || live.metadata.deletionTimestamp) return live ? { live } : {};
  const check = checkSpec(live, ctx.routeApiAvailable);
  return check.ok ? { live, defaulted: check.obj } : { live };
}

const EVENTS: Record<string, { type: "Normal" | "Warning"; reason: string } | undefined> = {
  Running: { type: "Normal", reason: "BackupStarted" },
  Completed: { type: "Normal", reason: "BackupCompleted" },
  Failed: { type: "Warning", reason: "BackupFailed" },
};

async function writeBackupStatus(ctx: BackupContext, obj: KubeObject, status: DiscourseBackupStatus): Promise<void> {
  if (canonicalJson(obj.status ?? {}) === canonicalJson(status)) return;
  const ref = { apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name };
  const stored = await ctx.client.mergePatch(ref, { status }, "status");
  ctx.backups.setIfNewer({ ...stored, apiVersion: obj.apiVersion, kind: obj.kind });
}

/** The backups volume and the backup Job of a backup of a valid, live forum. @returns the live Job. */
async function ensureChildren(ctx: BackupContext, forum: KubeObject, defaulted: DefaultedDiscourse, backup: DiscourseBackup): Promise<KubeObject | undefined> {
  const applyCtx: ApplyContext = { client: ctx.client, store: ctx.store, events: ctx.events, logger: ctx.logger, owner: forum };
  await applyChild(applyCtx, buildBackupsClaim(defaulted) as unknown as KubeObject);
  const job = await applyChild(applyCtx, buildBackupJob(defaulted, backup) as unknown as KubeObject, { createOnly: true });
  return job.live;
}

/** The status from the Job (reading its pod's message once it finished). */
async function statusFromJob(ctx: BackupContext, obj: KubeObject, job: KubeObject | undefined, forumExists: boolean): Promise<DiscourseBackupStatus> {
  const backup = obj as unknown as DiscourseBackup;
  const namespace = obj.metadata.namespace ?? "";
  const jobName = backupJobName(backup.spec.discourse, obj.metadata.name);
  const outcome = jobOutcome(job);
  const podMessage = outcome === "succeeded" || outcome === "failed" ? await terminationMessage(ctx.client, namespace, jobName) : undefined;
  return nextBackupStatus(backup.status, compact({
    job,
    jobName,
    location: backupLocation(backup.spec.discourse, obj.metadata.name),
    discourseExists: forumExists,
    podMessage,
    now: new Date().toISOString(),
    generation: obj.metadata.generation,
  }));
}

/** An Event on the forum when the phase changed; a final phase also asks for the forum's retention. */
async function reportPhase(ctx: BackupContext, obj: KubeObject, forum: KubeObject | undefined, previous: DiscourseBackupStatus | undefined, status: DiscourseBackupStatus): Promise<void> {
  if (status.phase === previous?.phase) return;
  const event = status.phase ? EVENTS[status.phase] : undefined;
  if (event && forum) await ctx.events.record(forum, event.type, event.reason, `DiscourseBackup ${obj.metadata.name}: ${status.message ?? status.phase ?? ""}`);
  const forumName = (obj as unknown as DiscourseBackup).spec.discourse;
  if (status.phase === "Completed" || status.phase === "Failed") ctx.enqueueForum(objectKey(obj.metadata.namespace, forumName));
}

/**
 * Reconciles the DiscourseBackup `namespace/name`.
 * @returns what happened; @throws when a write failed (the queue retries with backoff).
 */
export async function reconcileBackup(ctx: BackupContext, key: string): Promise<BackupOutcome> {
  const { namespace, name } = splitKey(key);
  const read = ctx.backups.get(namespace, name);
  if (!read) return "not-found";
  if (read.metadata.deletionTimestamp) {
    await finalizeBackup(ctx, read);
    return "finalizing";
  }
  const obj = await ensureFinalizer(ctx, read);
  const backup = obj as unknown as DiscourseBackup;
  const previous = backup.status;
  if (previous?.phase === "Completed" || previous?.phase === "Failed") return "final";
  const forum = forumOf(ctx, namespace, backup.spec.discourse);
  let job = ctx.store.get("Job", namespace, backupJobName(backup.spec.discourse, name));
  if (!job && forum.live && forum.defaulted) job = await ensureChildren(ctx, forum.live, forum.defaulted, backup);
  const status = await statusFromJob(ctx, obj, job, forum.live !== undefined && !forum.live.metadata.deletionTimestamp);
  await writeBackupStatus(ctx, obj, status);
  await reportPhase(ctx, obj, forum.live, previous, status);
  return (status.phase ?? "Pending").toLowerCase() as BackupOutcome;
}
