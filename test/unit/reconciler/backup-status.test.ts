/**
 * The pure parts of the backup controller: a backup's status from its Job (and its pod's
 * termination message), the script's summary, the schedule and retention.
 */
import { expect } from "chai";
import type { DiscourseBackup } from "../../../src/api/types.js";
import { jobOutcome, nextBackupStatus, parseSummary, type BackupFacts } from "../../../reconciler/backups/backup-status.js";
import { backupsBeyondRetention, dueScheduledBackup, scheduledBackupName } from "../../../reconciler/backups/schedule.js";
import type { KubeObject } from "../../../reconciler/client/kube-client.js";

const NOW = "2026-05-02T10:00:00Z";
const SUM = (c: string): string => c.repeat(64);

function job(status: Record<string, unknown> | undefined): KubeObject {
  return { apiVersion: "batch/v1", kind: "Job", metadata: { name: "blog-backup-nightly", namespace: "ns" }, ...(status ? { status } : {}) };
}

const facts = (over: Partial<BackupFacts> = {}): BackupFacts => ({ jobName: "blog-backup-nightly", location: "pvc/blog-backups/blog-nightly", discourseExists: true, now: NOW, generation: 1, ...over });
const completeJob = job({ startTime: "2026-05-02T09:00:00Z", completionTime: "2026-05-02T09:05:00Z", succeeded: 1, conditions: [{ type: "Complete", status: "True" }] });
const failedJob = job({ startTime: "2026-05-02T09:00:00Z", failed: 3, conditions: [{ type: "Failed", status: "True", reason: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" }] });
const summary = JSON.stringify({ sizeBytes: 4242, discourseVersion: "3.5.2", databaseVersion: "17.2", sha256: { "database.dump": SUM("a"), "uploads.tar": SUM("b"), "manifest.json": SUM("c") } });

describe("backup status", () => {
  const cases: Array<{ name: string; previous?: DiscourseBackup["status"]; facts: BackupFacts; want: DiscourseBackup["status"] }> = [
    {
      name: "no Job yet: Pending",
      facts: facts(),
      want: {
        phase: "Pending",
        location: "pvc/blog-backups/blog-nightly",
        jobName: "blog-backup-nightly",
        observedGeneration: 1,
        message: "waiting for its Job to be created",
        conditions: [{ type: "Completed", status: "Unknown", reason: "Pending", message: "waiting for its Job to be created", lastTransitionTime: NOW, observedGeneration: 1 }],
      },
    },
    {
      name: "no Discourse: Failed",
      facts: facts({ discourseExists: false }),
      want: {
        phase: "Failed",
        location: "pvc/blog-backups/blog-nightly",
        jobName: "blog-backup-nightly",
        observedGeneration: 1,
        completedAt: NOW,
        message: "the Discourse it names does not exist: nothing to back up",
        conditions: [{ type: "Completed", status: "False", reason: "DiscourseNotFound", message: "the Discourse it names does not exist: nothing to back up", lastTransitionTime: NOW, observedGeneration: 1 }],
      },
    },
    {
      name: "a started Job: Running, since its start time",
      facts: facts({ job: job({ startTime: "2026-05-02T09:00:00Z", active: 1 }) }),
      want: {
        phase: "Running",
        location: "pvc/blog-backups/blog-nightly",
        jobName: "blog-backup-nightly",
        observedGeneration: 1,
        startedAt: "2026-05-02T09:00:00Z",
        message: "Job blog-backup-nightly is writing the backup",
        conditions: [{ type: "Completed", status: "Unknown", reason: "Running", message: "Job blog-backup-nightly is writing the backup", lastTransitionTime: NOW, observedGeneration: 1 }],
      },
    },
    {
      name: "a complete Job with the script's summary: Completed with sizes, checksums and versions",
      facts: facts({ job: completeJob, podMessage: summary }),
      want: {
        phase: "Completed",
        location: "pvc/blog-backups/blog-nightly",
        jobName: "blog-backup-nightly",
        observedGeneration: 1,
        startedAt: "2026-05-02T09:00:00Z",
        completedAt: "2026-05-02T09:05:00Z",
        sizeBytes: 4242,
        discourseVersion: "3.5.2",
        databaseVersion: "17.2",
        sha256: { "database.dump": SUM("a"), "uploads.tar": SUM("b"), "manifest.json": SUM("c") },
        message: "backup written to pvc/blog-backups/blog-nightly",
        conditions: [{ type: "Completed", status: "True", reason: "Completed", message: "backup written to pvc/blog-backups/blog-nightly", lastTransitionTime: NOW, observedGeneration: 1 }],
      },
    },
    {
      name: "a complete Job without a message (a simulated node): Completed all the same",
      facts: facts({ job: completeJob }),
      want: {
        phase: "Completed",
        location: "pvc/blog-backups/blog-nightly",
        jobName: "blog-backup-nightly",
        observedGeneration: 1,
        startedAt: "2026-05-02T09:00:00Z",
        completedAt: "2026-05-02T09:05:00Z",
        message: "backup written to pvc/blog-backups/blog-nightly",
        conditions: [{ type: "Completed", status: "True", reason: "Completed", message: "backup written to pvc/blog-backups/blog-nightly", lastTransitionTime: NOW, observedGeneration: 1 }],
      },
    },
    {
      name: "a failed Job: Failed, with the Job's reason and the tail of the log",
      facts: facts({ job: failedJob, podMessage: "backup: dumping database blog\npg_dump: error: connection to server failed: FATAL:  password authentication failed for user \"blog\"\n" }),
      want: {
        phase: "Failed",
        location: "pvc/blog-backups/blog-nightly",
        jobName: "blog-backup-nightly",
        observedGeneration: 1,
        startedAt: "2026-05-02T09:00:00Z",
        completedAt: NOW,
        message: 'backup Job blog-backup-nightly failed (BackoffLimitExceeded: Job has reached the specified backoff limit): backup: dumping database blog | pg_dump: error: connection to server failed: FATAL:  password authentication failed for user "blog"',
        conditions: [
          {
            type: "Completed",
            status: "False",
            reason: "JobFailed",
            message: 'backup Job blog-backup-nightly failed (BackoffLimitExceeded: Job has reached the specified backoff limit): backup: dumping database blog | pg_dump: error: connection to server failed: FATAL:  password authentication failed for user "blog"',
            lastTransitionTime: NOW,
            observedGeneration: 1,
          },
        ],
      },
    },
    {
      name: "a final phase is kept, whatever the Job does",
      previous: { phase: "Completed", message: "done" },
      facts: facts({ job: failedJob }),
      want: { phase: "Completed", message: "done" },
    },
  ];
  for (const c of cases) it(c.name, () => expect(nextBackupStatus(c.previous, c.facts)).to.deep.equal(c.want));

  it("keeps lastTransitionTime while the condition's status stays", () => {
    const first = nextBackupStatus(undefined, facts());
    const later = nextBackupStatus(first, { ...facts({ job: job({}) }), now: "2026-05-02T11:00:00Z" });
    expect(later.conditions?.[0]?.lastTransitionTime).to.equal(NOW);
    expect(later.message).to.equal("waiting for Job blog-backup-nightly to start");
  });

  it("a Job with FailureTarget (its last pod terminating) is Failed already, with the condition's reason", () => {
    const failing = job({ startTime: "2026-05-02T09:00:00Z", failed: 1, terminating: 1, conditions: [{ type: "FailureTarget", status: "True", reason: "DeadlineExceeded", message: "Job was active longer than specified deadline" }] });
    const status = nextBackupStatus(undefined, facts({ job: failing }));
    expect(status.phase).to.equal("Failed");
    expect(status.message).to.equal("backup Job blog-backup-nightly failed (DeadlineExceeded: Job was active longer than specified deadline)");
  });

  it("a Job with SuccessCriteriaMet (before Complete) is Completed, at the time of that condition", () => {
    const met = job({ startTime: "2026-05-02T09:00:00Z", succeeded: 1, conditions: [{ type: "SuccessCriteriaMet", status: "True", lastTransitionTime: "2026-05-02T09:04:00Z" }] });
    const status = nextBackupStatus(undefined, facts({ job: met }));
    expect([status.phase, status.completedAt]).to.deep.equal(["Completed", "2026-05-02T09:04:00Z"]);
  });

  it("reads a Job's outcome", () => {
    expect([undefined, job({}), job({ active: 1 }), completeJob, failedJob].map((j) => jobOutcome(j))).to.deep.equal(["none", "waiting", "running", "succeeded", "failed"]);
  });

  it("takes only well-formed fields of a summary", () => {
    expect(parseSummary('{"sizeBytes": -1, "sha256": {"a": "xyz", "b": "' + SUM("d") + '"}, "databaseVersion": 15}')).to.deep.equal({ sha256: { b: SUM("d") } });
    expect(parseSummary("pg_dump: error")).to.equal(null);
    expect(parseSummary(undefined)).to.equal(null);
  });
});

function backup(name: string, reason: "Manual" | "Scheduled" | "BeforeUpgrade", created: string, status?: DiscourseBackup["status"], deleting = false): DiscourseBackup {
  return {
    apiVersion: "discourse.cern/v1alpha1",
    kind: "DiscourseBackup",
    metadata: { name, namespace: "ns", creationTimestamp: created as unknown as Date, ...(deleting ? { deletionTimestamp: NOW as unknown as Date } : {}) },
    spec: { discourse: "blog", reason },
    ...(status ? { status } : {}),
  };
}

describe("schedules", () => {
  const now = new Date("2026-05-02T10:30:00Z");
  const cases = [
    { name: "no schedule: nothing", schedule: undefined, backups: [], want: null },
    { name: "a new forum waits for the first due time after its creation", schedule: "0 * * * *", created: "2026-05-02T10:10:00Z", backups: [], want: null },
    { name: "due since the forum was created: one backup", schedule: "0 * * * *", created: "2026-05-02T09:10:00Z", backups: [], want: "blog-20260502-1000" },
    { name: "the due run was made: nothing", schedule: "0 * * * *", backups: [backup("blog-20260502-1000", "Scheduled", "2026-05-02T10:00:01Z")], want: null },
    {
      name: "runs missed while the operator was down: one backup, for the latest due time",
      schedule: "0 * * * *",
      backups: [backup("blog-20260502-0500", "Scheduled", "2026-05-02T05:00:00Z")],
      want: "blog-20260502-1000",
    },
    { name: "a Manual backup does not count as the scheduled run", schedule: "0 * * * *", backups: [backup("by-hand", "Manual", "2026-05-02T10:20:00Z")], want: "blog-20260502-1000" },
    { name: "an invalid schedule: nothing", schedule: "61 * * * *", backups: [], want: null },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = dueScheduledBackup("blog", c.schedule, c.created ?? "2026-01-01T00:00:00Z", c.backups, now);
      expect(got?.name ?? null).to.equal(c.want);
    });
  }
  it("names a scheduled backup after its due time, within 63 characters", () => {
    expect(scheduledBackupName("blog", new Date("2026-05-02T03:00:00Z"))).to.equal("blog-20260502-0300");
    expect(scheduledBackupName("f".repeat(60), new Date("2026-05-02T03:00:00Z"))).to.have.length(63);
  });
});

describe("retention", () => {
  const done = (at: string): DiscourseBackup["status"] => ({ phase: "Completed", completedAt: at });
  const backups = [
    backup("b1", "Scheduled", "2026-05-01T01:00:00Z", done("2026-05-01T01:05:00Z")),
    backup("b2", "BeforeUpgrade", "2026-05-01T02:00:00Z", done("2026-05-01T02:05:00Z")),
    backup("b3", "Manual", "2026-05-01T03:00:00Z", done("2026-05-01T03:05:00Z")),
    backup("b4", "Scheduled", "2026-05-01T04:00:00Z", { phase: "Failed" }),
    backup("b5", "Scheduled", "2026-05-01T05:00:00Z", { phase: "Running" }),
    backup("b0", "Scheduled", "2026-04-30T00:00:00Z", done("2026-04-30T00:05:00Z"), true),
  ];
  const cases = [
    { retention: 7, want: [] },
    { retention: 2, want: ["b1"] },
    { retention: 1, want: ["b1", "b2"] },
  ];
  for (const c of cases) {
    it(`keeps the newest ${c.retention} completed (BeforeUpgrade counts; failed, running and deleting ones do not)`, () => {
      expect(backupsBeyondRetention(backups, c.retention).map((b) => b.metadata.name)).to.deep.equal(c.want);
    });
  }
  it("does not delete a backup an active restore reads; it still counts, so no newer one goes in its place", () => {
    expect(backupsBeyondRetention(backups, 1, new Set(["b1"])).map((b) => b.metadata.name)).to.deep.equal(["b2"]);
    expect(backupsBeyondRetention(backups, 2, new Map([["b1", "copy-restore"]])).map((b) => b.metadata.name)).to.deep.equal([]);
  });
});
