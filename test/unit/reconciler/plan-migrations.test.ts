import { expect } from "chai";
import { codeAnnotations, codeRevision, specCode } from "../../../reconciler/builders/app-code.js";
import { blockingGate, MIGRATION_GATES } from "../../../reconciler/steps/migration-gates.js";
import { type MigrationFacts, planMigrations, rolledOut } from "../../../reconciler/steps/plan-migrations.js";
import type { DefaultedDiscourse } from "../../../src/api/types.js";
import { marketplace } from "../builders/fixtures.js";
import { atR0, atSpec, backedUp, backends, deployment, fixedEnv, forum, job, JOB_STATUS, nameOf, old, R0, ready, withPlugin } from "./migration-fixtures.js";

interface Want {
  progress: string;
  job?: string;
  served: string;
  migrated: boolean;
  running?: string;
  blocked?: string;
  failedJob?: string;
  waitingForJob?: string;
  installing: boolean;
  staleJobs?: string[];
}

const rev = (o: DefaultedDiscourse): string => codeRevision(specCode(o));
const cases: { name: string; obj: DefaultedDiscourse; facts: Partial<MigrationFacts>; want: Want }[] = [
  // first install
  { name: "first install, managed PostgreSQL not ready: no Job yet (it would burn its backoffLimit), web and sidekiq at 0", obj: forum, facts: { postgres: ready("StatefulSet", "root-forum-postgresql", 0) }, want: { progress: "Waiting", blocked: "WaitingForDatabase", served: rev(forum), migrated: false, installing: true } },
  { name: "first install, managed Redis not ready (discourse_docker redis.template.yml: no migration without Redis)", obj: forum, facts: { postgres: backends.postgres }, want: { progress: "Waiting", blocked: "WaitingForRedis", served: rev(forum), migrated: false, installing: true } },
  { name: "first install, external database: the db-init Job has not succeeded yet", obj: marketplace(), facts: { dbInitJob: { apiVersion: "batch/v1", kind: "Job", metadata: { name: "marketplace-db-init" }, status: JOB_STATUS.active } }, want: { progress: "Waiting", blocked: "WaitingForDatabaseInit", served: rev(marketplace()), migrated: false, installing: true } },
  { name: "first install, external database: a failed db-init Job is a failure", obj: marketplace(), facts: { dbInitJob: { apiVersion: "batch/v1", kind: "Job", metadata: { name: "marketplace-db-init" }, status: JOB_STATUS.failed } }, want: { progress: "Failed", blocked: "DatabaseInitFailed", served: rev(marketplace()), migrated: false, installing: true } },
  { name: "first install, external database: db-init done, the pre-deployment Job is wanted", obj: marketplace(), facts: { dbInitJob: { apiVersion: "batch/v1", kind: "Job", metadata: { name: "marketplace-db-init" }, status: JOB_STATUS.succeeded } }, want: { progress: "PreMigrating", job: nameOf(marketplace(), "pre"), served: rev(marketplace()), migrated: false, installing: true } },
  { name: "first install, backends ready: the pre-deployment Job is wanted", obj: forum, facts: backends, want: { progress: "PreMigrating", job: nameOf(forum, "pre"), served: rev(forum), migrated: false, installing: true } },
  { name: "first install, pre-deployment Job running", obj: forum, facts: { ...backends, jobs: [job(forum, "pre", "active")] }, want: { progress: "PreMigrating", job: nameOf(forum, "pre"), served: rev(forum), migrated: false, installing: true } },
  { name: "first install, pre-deployment Job failed: reported, nothing starts", obj: forum, facts: { ...backends, jobs: [job(forum, "pre", "failed")] }, want: { progress: "Failed", job: nameOf(forum, "pre"), failedJob: nameOf(forum, "pre"), served: rev(forum), migrated: false, installing: true } },
  { name: "first install, pre-deployment Job succeeded: web and sidekiq start", obj: forum, facts: { ...backends, web: deployment("root-forum-web", undefined, 0), jobs: [job(forum, "pre", "succeeded")] }, want: { progress: "RollingOut", served: rev(forum), migrated: true, running: rev(forum), installing: true } },
  { name: "first install, pods starting: no post-deployment Job yet", obj: forum, facts: { ...backends, ...atSpec(forum, false), jobs: [job(forum, "pre", "succeeded")] }, want: { progress: "RollingOut", served: rev(forum), migrated: true, running: rev(forum), installing: true } },
  { name: "first install, rolled out: the post-deployment Job is wanted", obj: forum, facts: { ...backends, ...atSpec(forum), jobs: [job(forum, "pre", "succeeded")] }, want: { progress: "PostMigrating", job: nameOf(forum, "post"), served: rev(forum), migrated: true, running: rev(forum), installing: true } },
  { name: "first install complete", obj: forum, facts: { ...backends, ...atSpec(forum), jobs: [job(forum, "pre", "succeeded"), job(forum, "post", "succeeded")] }, want: { progress: "Complete", served: rev(forum), migrated: true, running: rev(forum), installing: false, staleJobs: [] } },
  // upgrades
  { name: "upgrade: the old code keeps serving while the pre-deployment Job is wanted", obj: forum, facts: atR0, want: { progress: "PreMigrating", job: nameOf(forum, "pre"), served: codeRevision(R0), migrated: true, running: codeRevision(R0), installing: false } },
  { name: "upgrade: pre-deployment Job failed, the old code keeps serving", obj: forum, facts: { ...atR0, jobs: [...atR0.jobs, job(forum, "pre", "failed")] }, want: { progress: "Failed", job: nameOf(forum, "pre"), failedJob: nameOf(forum, "pre"), served: codeRevision(R0), migrated: true, running: codeRevision(R0), installing: false } },
  { name: "upgrade: pre-deployment Job succeeded, web and sidekiq roll", obj: forum, facts: { ...atR0, jobs: [...atR0.jobs, job(forum, "pre", "succeeded")] }, want: { progress: "RollingOut", served: rev(forum), migrated: true, running: rev(forum), installing: false } },
  { name: "upgrade: roll in progress (an old pod left)", obj: forum, facts: { ...atR0, ...atSpec(forum, false), jobs: [...atR0.jobs, job(forum, "pre", "succeeded")] }, want: { progress: "RollingOut", served: rev(forum), migrated: true, running: rev(forum), installing: false } },
  { name: "upgrade: rolled out, the post-deployment Job is wanted", obj: forum, facts: { ...atR0, ...atSpec(forum), jobs: [...atR0.jobs, job(forum, "pre", "succeeded")] }, want: { progress: "PostMigrating", job: nameOf(forum, "post"), served: rev(forum), migrated: true, running: rev(forum), installing: false } },
  { name: "upgrade: post-deployment Job failed, the new code serves", obj: forum, facts: { ...atR0, ...atSpec(forum), jobs: [...atR0.jobs, job(forum, "pre", "succeeded"), job(forum, "post", "failed")] }, want: { progress: "Failed", job: nameOf(forum, "post"), failedJob: nameOf(forum, "post"), served: rev(forum), migrated: true, running: rev(forum), installing: false } },
  { name: "upgrade complete: the old revision's finished Jobs are stale", obj: forum, facts: { ...atR0, ...atSpec(forum), jobs: [...atR0.jobs, job(forum, "pre", "succeeded"), job(forum, "post", "succeeded")] }, want: { progress: "Complete", served: rev(forum), migrated: true, running: rev(forum), installing: false, staleJobs: [nameOf(old, "pre"), nameOf(old, "post")] } },
  { name: "a plugin added at the same version is new code: pre-deployment Job, old plugin set serving", obj: withPlugin, facts: { ...backends, ...atSpec(forum), jobs: [job(forum, "pre", "succeeded"), job(forum, "post", "succeeded")] }, want: { progress: "PreMigrating", job: nameOf(withPlugin, "pre"), served: rev(forum), migrated: true, running: rev(forum), installing: false } },
  { name: "a fixed spec after a failure (bad env entry removed): a new attempt", obj: fixedEnv, facts: { ...atR0, jobs: [...atR0.jobs, job(forum, "pre", "failed")] }, want: { progress: "PreMigrating", job: nameOf(fixedEnv, "pre"), served: codeRevision(R0), migrated: true, running: codeRevision(R0), installing: false } },
  { name: "a spec changed while a migration Job runs: the new attempt waits for it (Rails' migration lock)", obj: fixedEnv, facts: { ...atR0, jobs: [...atR0.jobs, job(forum, "pre", "active")] }, want: { progress: "PreMigrating", waitingForJob: nameOf(forum, "pre"), served: codeRevision(R0), migrated: true, running: codeRevision(R0), installing: false } },
  { name: "a settings change at rest runs no migration", obj: fixedEnv, facts: { ...backends, ...atSpec(forum), jobs: [job(forum, "pre", "succeeded"), job(forum, "post", "succeeded")] }, want: { progress: "Complete", served: rev(forum), migrated: true, running: rev(forum), installing: false, staleJobs: [] } },
  { name: "a web Deployment from before the code annotations: its image at status.version is taken as migrated", obj: forum, facts: { ...backends, web: deployment("root-forum-web", undefined, 3), statusVersion: "3.4.2" }, want: { progress: "PreMigrating", job: nameOf(forum, "pre"), served: codeRevision(R0), migrated: true, running: codeRevision(R0), installing: true } },
];

describe("planMigrations", () => {
  for (const c of cases) {
    it(c.name, () => {
      const p = planMigrations({ obj: c.obj, jobs: [], ...backedUp(c.obj), ...c.facts });
      const got: Want = {
        progress: p.progress,
        ...(p.job ? { job: p.job.name } : {}),
        served: codeRevision(p.served.code),
        migrated: p.served.migrated,
        ...(p.running ? { running: p.running.revision } : {}),
        ...(p.blocked ? { blocked: p.blocked.reason } : {}),
        ...(p.failedJob ? { failedJob: p.failedJob } : {}),
        ...(p.waitingForJob ? { waitingForJob: p.waitingForJob } : {}),
        installing: p.installing,
        ...(p.progress === "Complete" ? { staleJobs: p.staleJobs } : {}),
      };
      expect(got).to.deep.equal(c.want);
      expect(p.target).to.equal(rev(c.obj));
    });
  }

  it("the gates run in order: database, redis, restore, backup (issue 12 plugs in the last two)", () => {
    expect(MIGRATION_GATES.map((g) => g.name)).to.deep.equal(["database", "redis", "restore", "backup"]);
    expect(blockingGate({ obj: forum, stage: "pre", firstMigration: false, ...backends, ...backedUp(forum) })).to.equal(undefined);
  });

  it("a gate list given by the caller holds the migration", () => {
    const p = planMigrations({ obj: forum, jobs: [], ...backends }, [{ name: "backup", check: () => ({ state: "waiting", reason: "WaitingForBackup", message: "waiting for backup b" }) }]);
    expect([p.progress, p.job, p.blocked?.reason]).to.deep.equal(["Waiting", undefined, "WaitingForBackup"]);
  });

  it("only this forum's migration Jobs count", () => {
    const other = { ...job(forum, "pre", "succeeded"), metadata: { ...job(forum, "pre", "succeeded").metadata, labels: { ...job(forum, "pre", "succeeded").metadata.labels, "app.kubernetes.io/instance": "other" } } };
    expect(planMigrations({ obj: forum, jobs: [other], ...backends, ...backedUp(forum) }).progress).to.equal("PreMigrating");
  });
});

describe("rolledOut", () => {
  const code = specCode(forum);
  const cases = [
    { name: "every pod updated and available", d: deployment("w", code, 3), want: true },
    { name: "an old pod left", d: deployment("w", code, 3, false), want: false },
    { name: "another revision", d: deployment("w", R0, 3), want: false },
    { name: "spec not yet observed", d: { ...deployment("w", code, 3), metadata: { name: "w", generation: 4, annotations: codeAnnotations(code) } }, want: false },
    { name: "0 replicas, observed", d: deployment("w", code, 0), want: true },
  ];
  for (const c of cases) it(c.name, () => expect(rolledOut(c.d, codeRevision(code))).to.equal(c.want));
});

describe("steps/plan-migrations: the migration Job's name per Discourse version", () => {
  const upgraded: DefaultedDiscourse = { ...forum, spec: { ...forum.spec, version: "3.5.3" } };

  it("is computed once per version read (`source`) and platform, and the Job built on use has it", () => {
    const source = {};
    const first = planMigrations({ obj: forum, jobs: [], ...backends, ...backedUp(forum), source });
    expect(first.job?.name).to.equal(nameOf(forum, "pre"));
    expect(first.job?.object.metadata?.name).to.equal(first.job?.name);
    // The same version read again: the name is not computed from the spec again. (The spec
    // given here differs only to show that; a reconcile passes the spec of `source`.)
    const again = planMigrations({ obj: upgraded, jobs: [], ...backends, ...backedUp(upgraded), source });
    expect(again.job?.name).to.equal(nameOf(forum, "pre"));
  });

  it("is computed again for a new version, another platform, or without a source", () => {
    const source = {};
    planMigrations({ obj: forum, jobs: [], ...backends, ...backedUp(forum), source });
    expect(planMigrations({ obj: upgraded, jobs: [], ...backends, ...backedUp(upgraded), source: {} }).job?.name).to.equal(nameOf(upgraded, "pre"));
    expect(planMigrations({ obj: upgraded, jobs: [], ...backends, ...backedUp(upgraded) }).job?.name).to.equal(nameOf(upgraded, "pre"));
    const openShift = planMigrations({ obj: forum, jobs: [], ...backends, ...backedUp(forum), build: { openShift: true }, source });
    expect(openShift.job?.name).to.equal(openShift.job?.object.metadata?.name);
    expect(openShift.job?.name).to.not.equal(nameOf(forum, "pre"));
  });
});
