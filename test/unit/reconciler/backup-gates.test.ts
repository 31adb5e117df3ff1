/**
 * The restore and backup-before-upgrade gates (reconciler/backups/gates.ts) through the
 * migration plan: what holds the pre-deployment migration, and what stops it.
 */
import { expect } from "chai";
import { beforeUpgradeBackupName } from "../../../reconciler/backups/gates.js";
import { codeRevision, specCode } from "../../../reconciler/builders/app-code.js";
import type { KubeObject } from "../../../reconciler/client/kube-client.js";
import { planMigrations } from "../../../reconciler/steps/plan-migrations.js";
import type { DefaultedDiscourse, DiscourseBackup } from "../../../src/api/types.js";
import { withSpec } from "../builders/fixtures.js";
import { atR0, backends, forum, JOB_STATUS, nameOf } from "./migration-fixtures.js";

function backup(name: string, phase?: "Pending" | "Running" | "Completed" | "Failed", message?: string): DiscourseBackup {
  return { apiVersion: "discourse.cern/v1alpha1", kind: "DiscourseBackup", metadata: { name }, spec: { discourse: "root-forum" }, ...(phase ? { status: { phase, ...(message ? { message } : {}) } } : {}) };
}
const upgradeName = (o: DefaultedDiscourse): string => beforeUpgradeBackupName("root-forum", o.spec.version, codeRevision(specCode(o)));
const restoreJob = (status: object): KubeObject => ({ apiVersion: "batch/v1", kind: "Job", metadata: { name: "root-forum-restore" }, status });
const restored = withSpec(forum, (s) => (s.restore = { backup: "old-nightly" }));

describe("backup before an upgrade", () => {
  const upgrade = { ...atR0 };
  const cases = [
    { name: "no backup yet: the pre-deployment migration waits for it", backups: {}, want: ["Waiting", undefined, "WaitingForBackup"] },
    { name: "the backup runs: still waiting", backups: { beforeUpgradeBackup: backup(upgradeName(forum), "Running") }, want: ["Waiting", undefined, "WaitingForBackup"] },
    { name: "the backup completed: the pre-deployment Job is wanted", backups: { beforeUpgradeBackup: backup(upgradeName(forum), "Completed") }, want: ["PreMigrating", nameOf(forum, "pre"), undefined] },
    { name: "the backup failed: the upgrade stops (Failed, BackupFailed)", backups: { beforeUpgradeBackup: backup(upgradeName(forum), "Failed", "pg_dump failed") }, want: ["Failed", undefined, "BackupFailed"] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const p = planMigrations({ obj: forum, ...upgrade, backups: c.backups });
      expect([p.progress, p.job?.name, p.blocked?.reason]).to.deep.equal(c.want);
    });
  }

  it("names the backup after the new version and code revision", () => {
    expect(upgradeName(forum)).to.match(/^root-forum-before-3-5-2-[0-9a-f]{12}$/);
  });

  it("says why it stopped, and what to do", () => {
    const p = planMigrations({ obj: forum, ...upgrade, backups: { beforeUpgradeBackup: backup(upgradeName(forum), "Failed", "pg_dump failed") } });
    expect(p.blocked?.message).to.equal(`the backup before the upgrade, DiscourseBackup ${upgradeName(forum)}, failed (pg_dump failed); the upgrade is stopped and the running version keeps serving; delete the backup to try again`);
    expect(p.served.code.version).to.equal("3.4.2");
  });

  it("is not asked with backup.beforeUpgrade false, nor on a first install", () => {
    const off = withSpec(forum, (s) => (s.backup.beforeUpgrade = false));
    expect(planMigrations({ obj: off, ...upgrade }).progress).to.equal("PreMigrating");
    expect(planMigrations({ obj: forum, jobs: [], ...backends }).progress).to.equal("PreMigrating");
  });
});

describe("restore before the first migration", () => {
  const cases = [
    { name: "the named backup does not exist: Failed, RestoreBackupNotFound", backups: {}, want: ["Failed", "RestoreBackupNotFound"] },
    { name: "the named backup has not completed: waiting", backups: { restoreSource: backup("old-nightly", "Running") }, want: ["Waiting", "WaitingForBackup"] },
    { name: "the named backup failed: Failed, RestoreBackupFailed", backups: { restoreSource: backup("old-nightly", "Failed") }, want: ["Failed", "RestoreBackupFailed"] },
    { name: "no restore Job yet: Restoring (the reconcile creates it)", backups: { restoreSource: backup("old-nightly", "Completed") }, want: ["Waiting", "Restoring"] },
    { name: "the restore Job runs: Restoring", backups: { restoreSource: backup("old-nightly", "Completed"), restoreJob: restoreJob(JOB_STATUS.active) }, want: ["Waiting", "Restoring"] },
    { name: "the restore Job failed (a checksum, a database not empty): Failed, RestoreFailed", backups: { restoreSource: backup("old-nightly", "Completed"), restoreJob: restoreJob(JOB_STATUS.failed) }, want: ["Failed", "RestoreFailed"] },
    { name: "the restore Job succeeded: the first migration runs", backups: { restoreSource: backup("old-nightly", "Completed"), restoreJob: restoreJob(JOB_STATUS.succeeded) }, want: ["PreMigrating", undefined] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const p = planMigrations({ obj: restored, jobs: [], ...backends, backups: c.backups });
      expect([p.progress, p.blocked?.reason]).to.deep.equal(c.want);
    });
  }

  it("waits for the database first: the restore needs it", () => {
    const p = planMigrations({ obj: restored, jobs: [], backups: {} });
    expect(p.blocked?.reason).to.equal("WaitingForDatabase");
  });
});
