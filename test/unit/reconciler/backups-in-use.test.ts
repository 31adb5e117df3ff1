/**
 * Which backups active restore Jobs read (reconciler/backups/backups-in-use.ts): the restore
 * Job (component `restore`) names its backup in the annotation `discourse.cern/backup`
 * (reconciler/builders/restore-job.ts); only a Job that has not finished holds it.
 */
import { expect } from "chai";
import { backupsReadByRestores } from "../../../reconciler/backups/backups-in-use.js";
import { buildRestoreJob } from "../../../reconciler/builders/restore-job.js";
import type { KubeObject } from "../../../reconciler/client/kube-client.js";
import type { DiscourseBackup } from "../../../src/api/types.js";
import { rootForum, withSpec } from "../builders/fixtures.js";

const source: DiscourseBackup = { apiVersion: "discourse.cern/v1alpha1", kind: "DiscourseBackup", metadata: { name: "blog-nightly", namespace: "ns" }, spec: { discourse: "blog", reason: "Manual" }, status: { phase: "Completed" } };

/** The restore Job the product builds, with a status as the Job controller would write it. */
function restoreJob(status?: Record<string, unknown>): KubeObject {
  const obj = withSpec(rootForum(), (s) => { s.restore = { backup: "blog-nightly" }; });
  const job = buildRestoreJob(obj, source) as unknown as KubeObject;
  return { ...job, ...(status ? { status } : {}) };
}

const job = (name: string, component: string, backup: string, status?: Record<string, unknown>): KubeObject => ({
  apiVersion: "batch/v1",
  kind: "Job",
  metadata: { name, namespace: "ns", labels: { "app.kubernetes.io/component": component }, annotations: { "discourse.cern/backup": backup } },
  ...(status ? { status } : {}),
});

describe("backups read by active restore Jobs", () => {
  const cases: { name: string; jobs: KubeObject[]; want: Record<string, string> }[] = [
    { name: "no Jobs: none", jobs: [], want: {} },
    { name: "the restore Job the builder makes, not started: holds its backup", jobs: [restoreJob()], want: { "blog-nightly": "root-forum-restore" } },
    { name: "running: holds it", jobs: [restoreJob({ active: 1, startTime: "2026-05-02T09:00:00Z" })], want: { "blog-nightly": "root-forum-restore" } },
    { name: "succeeded: released", jobs: [restoreJob({ succeeded: 1, conditions: [{ type: "Complete", status: "True" }] })], want: {} },
    { name: "failed (FailureTarget already): released", jobs: [restoreJob({ failed: 2, conditions: [{ type: "FailureTarget", status: "True" }] })], want: {} },
    { name: "a backup Job naming the same backup does not count (it writes, it does not restore)", jobs: [job("blog-backup-nightly", "backup", "blog-nightly")], want: {} },
    { name: "two restores of one backup: the first Job by name", jobs: [job("z-restore", "restore", "blog-nightly"), job("a-restore", "restore", "blog-nightly")], want: { "blog-nightly": "a-restore" } },
  ];
  for (const c of cases) it(c.name, () => expect(Object.fromEntries(backupsReadByRestores(c.jobs))).to.deep.equal(c.want));
});
