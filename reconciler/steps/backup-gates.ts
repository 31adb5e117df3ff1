/**
 * What the restore and backup-before-upgrade gates wait for (reconciler/backups/gates.ts),
 * made here: the facts they read from the caches, and, when a gate waits for it, the
 * BeforeUpgrade DiscourseBackup of the new code or the restore Job `<name>-restore`. The
 * backup controller (reconciler/backups/) runs the backup; its phase changes requeue the
 * forum.
 */
import type { DefaultedDiscourse, DiscourseBackup } from "../../src/api/types.js";
import { applyChild } from "../apply/apply-child.js";
import { beforeUpgradeBackupName, type BackupGateFacts } from "../backups/gates.js";
import { createBackup, operatorBackup } from "../backups/reconcile-forum-backups.js";
import { codeRevision, specCode } from "../builders/app-code.js";
import { restoreJobName } from "../builders/backup-names.js";
import { buildRestoreJob } from "../builders/restore-job.js";
import type { KubeObject } from "../client/kube-client.js";
import type { ReconcileContext } from "./context.js";
import type { MigrationPlan } from "./plan-migrations.js";

function backupNamed(ctx: ReconcileContext, namespace: string, name: string): DiscourseBackup | undefined {
  const b = ctx.backups?.get(namespace, name);
  return b && !b.metadata.deletionTimestamp ? (b as unknown as DiscourseBackup) : undefined;
}

/** Name of the BeforeUpgrade backup of the spec's code. */
function upgradeBackupName(obj: DefaultedDiscourse): string {
  return beforeUpgradeBackupName(obj.metadata.name ?? "", obj.spec.version, codeRevision(specCode(obj)));
}

/** The facts of the two gates, from the caches. */
export function backupGateFacts(ctx: ReconcileContext, obj: DefaultedDiscourse): BackupGateFacts {
  const ns = obj.metadata.namespace ?? "";
  const restoreSource = obj.spec.restore ? backupNamed(ctx, ns, obj.spec.restore.backup) : undefined;
  const restoreJob = obj.spec.restore ? ctx.store.get("Job", ns, restoreJobName(obj.metadata.name ?? "")) : undefined;
  const beforeUpgradeBackup = obj.spec.backup.beforeUpgrade ? backupNamed(ctx, ns, upgradeBackupName(obj)) : undefined;
  return { ...(restoreSource ? { restoreSource } : {}), ...(restoreJob ? { restoreJob } : {}), ...(beforeUpgradeBackup ? { beforeUpgradeBackup } : {}) };
}

/**
 * Makes what a waiting gate waits for: the BeforeUpgrade backup (once), or the restore Job
 * (once; a Job's pod template is immutable). Nothing when no backup gate waits.
 */
export async function actOnBackupGates(ctx: ReconcileContext, owner: KubeObject, obj: DefaultedDiscourse, plan: MigrationPlan, facts: BackupGateFacts): Promise<void> {
  const blocked = plan.blocked;
  if (!blocked || blocked.state !== "waiting") return;
  const ns = obj.metadata.namespace ?? "";
  if (blocked.gate === "backup" && !facts.beforeUpgradeBackup) {
    const name = upgradeBackupName(obj);
    if (await createBackup({ client: ctx.client, backups: ctx.backups }, operatorBackup(ns, obj.metadata.name ?? "", name, "BeforeUpgrade"))) {
      await ctx.events.record(owner, "Normal", "BackupBeforeUpgrade", `created DiscourseBackup ${name}: the migration to ${obj.spec.version} waits for it`);
    }
  }
  if (blocked.gate === "restore" && blocked.reason === "Restoring" && !facts.restoreJob && facts.restoreSource) {
    const job = buildRestoreJob(obj, facts.restoreSource);
    if (!job) return;
    await applyChild({ client: ctx.client, store: ctx.store, events: ctx.events, logger: ctx.logger, owner }, job as unknown as KubeObject, { createOnly: true });
    await ctx.events.record(owner, "Normal", "Restoring", `restoring from DiscourseBackup ${facts.restoreSource.metadata.name ?? ""} before the first migration`);
  }
}
