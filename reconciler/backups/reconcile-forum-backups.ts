/**
 * The backups of one forum as a whole, a short ordered list of steps:
 *
 * 1. forum gone: its backups whose volume is gone too (deletionPolicy Delete) point at
 *    nothing and are deleted; under Retain the volume and the backups stay;
 * 2. paused, being deleted or invalid: nothing;
 * 3. the volume `<forum>-backups` once backups are asked for (a backup of the forum exists,
 *    or `backup.schedule` is set), grown with `backup.storage.size`;
 * 4. the Scheduled backup due now, if any (schedule.ts);
 * 5. the Completed backups beyond `backup.retention`, oldest first, deleted (their
 *    finalizers remove their files); one an active restore Job reads is kept until that Job
 *    finished (backups-in-use.ts).
 */
import { API_VERSION, LABEL_INSTANCE, LABEL_MANAGED_BY, MANAGED_BY } from "../../src/api/constants.js";
import { BACKUP_DISCOURSE_LABEL, BACKUP_KIND, BACKUP_REASON_LABEL } from "../../src/api/backup-constants.js";
import type { DiscourseBackup } from "../../src/api/types.js";
import { applyChild } from "../apply/apply-child.js";
import { backupsClaimName } from "../builders/backup-names.js";
import { buildBackupsClaim } from "../builders/backups-claim.js";
import { COMPONENTS } from "../builders/metadata.js";
import { statusCode, type KubeClient, type KubeObject } from "../client/kube-client.js";
import { splitKey, type ObjectCache } from "../informer/object-cache.js";
import type { BackupContext } from "./context.js";
import { backupsReadByRestores } from "./backups-in-use.js";
import { forumOf } from "./reconcile-backup.js";
import { backupsBeyondRetention, backupsOf, dueScheduledBackup } from "./schedule.js";

export type ForumBackupsOutcome = "forum-gone" | "skipped" | "reconciled";

/** A DiscourseBackup the operator makes (Scheduled, BeforeUpgrade). */
export function operatorBackup(namespace: string, forum: string, name: string, reason: "Scheduled" | "BeforeUpgrade"): KubeObject {
  return {
    apiVersion: API_VERSION,
    kind: BACKUP_KIND,
    metadata: {
      name,
      namespace,
      labels: { [BACKUP_DISCOURSE_LABEL]: forum, [BACKUP_REASON_LABEL]: reason, [LABEL_INSTANCE]: forum, [LABEL_MANAGED_BY]: MANAGED_BY },
    },
    spec: { discourse: forum, reason },
  };
}

/** Creates a DiscourseBackup; one that exists already (another replica, a retry) is fine. @returns whether it was created now. */
export async function createBackup(ctx: { client: KubeClient; backups?: ObjectCache | undefined }, obj: KubeObject): Promise<boolean> {
  try {
    const created = await ctx.client.create(obj);
    ctx.backups?.setIfNewer({ ...created, apiVersion: obj.apiVersion, kind: obj.kind });
    return true;
  } catch (err) {
    if (statusCode(err) === 409) return false;
    throw err;
  }
}

async function deleteOrphans(ctx: BackupContext, namespace: string, backups: DiscourseBackup[], forum: string): Promise<void> {
  const claim = ctx.store.get("PersistentVolumeClaim", namespace, backupsClaimName(forum));
  if (claim) return;
  for (const b of backups) {
    if (b.metadata.deletionTimestamp) continue;
    await ctx.client.delete({ apiVersion: API_VERSION, kind: BACKUP_KIND, namespace, name: b.metadata.name ?? "" }, b.metadata.uid);
    ctx.logger.info({ backup: b.metadata.name }, `deleted DiscourseBackup ${b.metadata.name ?? ""}: Discourse ${forum} and its backups volume are gone`);
  }
}

/**
 * Reconciles the backups of the Discourse `namespace/name` (see the file comment).
 * @throws when a write failed (the queue retries with backoff).
 */
export async function reconcileForumBackups(ctx: BackupContext, key: string, now: Date = new Date()): Promise<ForumBackupsOutcome> {
  const { namespace, name } = splitKey(key);
  const backups = backupsOf(name, ctx.backups.list(namespace) as unknown as DiscourseBackup[]);
  const { live, defaulted } = forumOf(ctx, namespace, name);
  if (!live) {
    await deleteOrphans(ctx, namespace, backups, name);
    return "forum-gone";
  }
  if (!defaulted || defaulted.spec.paused) return "skipped";
  const spec = defaulted.spec.backup;
  const wanted = spec.schedule !== undefined || backups.some((b) => !b.metadata.deletionTimestamp);
  const applyCtx = { client: ctx.client, store: ctx.store, events: ctx.events, logger: ctx.logger, owner: live };
  if (wanted) await applyChild(applyCtx, buildBackupsClaim(defaulted) as unknown as KubeObject);
  const due = dueScheduledBackup(name, spec.schedule, live.metadata.creationTimestamp, backups, now);
  if (due && (await createBackup(ctx, operatorBackup(namespace, name, due.name, "Scheduled")))) {
    await ctx.events.record(live, "Normal", "BackupScheduled", `created DiscourseBackup ${due.name} (schedule "${spec.schedule ?? ""}", due ${due.due.toISOString()})`);
  }
  for (const old of await prunable(ctx, namespace, backups, spec.retention)) {
    if (!(await ctx.client.delete({ apiVersion: API_VERSION, kind: BACKUP_KIND, namespace, name: old.metadata.name ?? "" }, old.metadata.uid))) continue;
    const message = `deleted DiscourseBackup ${old.metadata.name ?? ""}: more than ${spec.retention} completed backups of ${name} (backup.retention)`;
    ctx.logger.info({ backup: old.metadata.name }, message);
    await ctx.events.record(live, "Normal", "BackupPruned", message);
  }
  return "reconciled";
}

/**
 * The backups retention deletes now: beyond `retention`, and read by no active restore Job.
 * The restore Jobs are looked at only when a backup is beyond it (a sharded reconciler lists them).
 */
async function prunable(ctx: BackupContext, namespace: string, backups: DiscourseBackup[], retention: number): Promise<DiscourseBackup[]> {
  if (backupsBeyondRetention(backups, retention).length === 0) return [];
  return backupsBeyondRetention(backups, retention, backupsReadByRestores(await ctx.store.withComponent("Job", namespace, COMPONENTS.restore)));
}
