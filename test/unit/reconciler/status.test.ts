import { expect } from "chai";
import { setConditions } from "../../../reconciler/status/conditions.js";
import { codeRevision, specCode } from "../../../reconciler/builders/app-code.js";
import { computeStatus, newFailure, type StatusFacts } from "../../../reconciler/status/compute-status.js";
import { type MigrationFacts, planMigrations } from "../../../reconciler/steps/plan-migrations.js";
import { marketplace } from "../builders/fixtures.js";
import { atR0, atSpec, backends, deployment, fixedEnv, forum, job, JOB_STATUS, nameOf, R0, ready, backedUp } from "./migration-fixtures.js";
import { findOrphanSecrets } from "../../../reconciler/steps/orphan-secrets.js";
import type { KubeObject } from "../../../reconciler/client/kube-client.js";
import type { DefaultedDiscourse } from "../../../src/api/types.js";

const T0 = "2026-01-01T00:00:00.000Z";
const T1 = "2026-01-01T00:01:00.000Z";

describe("setConditions", () => {
  it("keeps lastTransitionTime when the status does not change, moves it when it does", () => {
    const first = setConditions(undefined, [{ type: "Ready", status: "False", reason: "NotReady", message: "0/1" }, { type: "Paused", status: "False", reason: "Reconciling", message: "" }], 1, T0);
    const second = setConditions(first, [{ type: "Ready", status: "True", reason: "Ready", message: "1/1" }, { type: "Paused", status: "False", reason: "Reconciling", message: "x" }], 2, T1);
    expect(second).to.deep.equal([
      { type: "Ready", status: "True", reason: "Ready", message: "1/1", lastTransitionTime: T1, observedGeneration: 2 },
      { type: "Paused", status: "False", reason: "Reconciling", message: "x", lastTransitionTime: T0, observedGeneration: 2 },
    ]);
  });
});

const pg = (n: number): KubeObject => ready("StatefulSet", "root-forum-postgresql", n);
const facts = (migration: Partial<MigrationFacts>, extra: Partial<StatusFacts> = {}, obj: DefaultedDiscourse = forum): StatusFacts => {
  const plan = planMigrations({ obj, jobs: [], ...backedUp(obj), ...migration });
  return { generation: 4, hostname: "f.web.cern.ch", desiredReplicas: 3, managedDatabase: true, dbInitRequired: false, migration: plan, ...(migration.web ? { web: migration.web } : {}), ...(migration.postgres ? { postgres: migration.postgres } : {}), ...extra };
};
const R = codeRevision(specCode(forum));
const pre = { ...backends, jobs: [job(forum, "pre", "succeeded")] };
const complete = { ...backends, ...atSpec(forum), jobs: [job(forum, "pre", "succeeded"), job(forum, "post", "succeeded")] };

describe("computeStatus", () => {
  const cases: { name: string; facts: StatusFacts; want: { phase: string; conditions: string[]; readyReplicas: number; version?: string; revision?: string } }[] = [
    { name: "first install, waiting for PostgreSQL", facts: facts({ postgres: pg(0) }), want: { phase: "Pending", readyReplicas: 0, conditions: ["Ready=False/DatabaseNotReady", "Progressing=True/WaitingForDatabase", "Degraded=False/AsExpected", "DatabaseReady=False/Starting", "Paused=False/Reconciling"] } },
    { name: "first install, pre-deployment migration due", facts: facts(backends), want: { phase: "Provisioning", readyReplicas: 0, conditions: ["Ready=False/NotMigrated", "Progressing=True/PreDeploymentMigration", "Degraded=False/AsExpected", "DatabaseReady=True/Ready", "Paused=False/Reconciling"] } },
    { name: "first install, pre-deployment migration failed: Degraded, not stuck in Provisioning", facts: facts({ ...backends, jobs: [job(forum, "pre", "failed")] }), want: { phase: "Degraded", readyReplicas: 0, conditions: ["Ready=False/NotMigrated", "Progressing=False/MigrationFailed", "Degraded=True/MigrationFailed", "DatabaseReady=True/Ready", "Paused=False/Reconciling"] } },
    { name: "first install, pods starting after the migration", facts: facts({ ...pre, ...atSpec(forum, false) }), want: { phase: "Provisioning", readyReplicas: 3, version: "3.5.2", revision: R, conditions: ["Ready=True/Ready", "Progressing=True/RollingOut", "Degraded=False/AsExpected", "DatabaseReady=True/Ready", "Paused=False/Reconciling"] } },
    { name: "first install, post-deployment migration", facts: facts({ ...pre, ...atSpec(forum) }), want: { phase: "Provisioning", readyReplicas: 3, version: "3.5.2", revision: R, conditions: ["Ready=True/Ready", "Progressing=True/PostDeploymentMigration", "Degraded=False/AsExpected", "DatabaseReady=True/Ready", "Paused=False/Reconciling"] } },
    { name: "running", facts: facts(complete), want: { phase: "Running", readyReplicas: 3, version: "3.5.2", revision: R, conditions: ["Ready=True/Ready", "Progressing=False/Complete", "Degraded=False/AsExpected", "DatabaseReady=True/Ready", "Paused=False/Reconciling"] } },
    { name: "running, a web pod not ready", facts: facts({ ...complete, web: { ...deployment("root-forum-web", specCode(forum), 3), status: { observedGeneration: 3, replicas: 3, updatedReplicas: 3, readyReplicas: 2, availableReplicas: 2 } } }), want: { phase: "Running", readyReplicas: 2, version: "3.5.2", revision: R, conditions: ["Ready=False/NotReady", "Progressing=True/RollingOut", "Degraded=False/AsExpected", "DatabaseReady=True/Ready", "Paused=False/Reconciling"] } },
    { name: "upgrade, pre-deployment migration: the old version serves, Ready", facts: facts(atR0), want: { phase: "Upgrading", readyReplicas: 3, version: "3.4.2", revision: codeRevision(R0), conditions: ["Ready=True/Ready", "Progressing=True/PreDeploymentMigration", "Degraded=False/AsExpected", "DatabaseReady=True/Ready", "Paused=False/Reconciling"] } },
    { name: "upgrade, pre-deployment migration failed", facts: facts({ ...atR0, jobs: [...atR0.jobs, job(forum, "pre", "failed")] }), want: { phase: "Degraded", readyReplicas: 3, version: "3.4.2", revision: codeRevision(R0), conditions: ["Ready=True/Ready", "Progressing=False/MigrationFailed", "Degraded=True/MigrationFailed", "DatabaseReady=True/Ready", "Paused=False/Reconciling"] } },
    { name: "upgrade, rolling", facts: facts({ ...atR0, ...atSpec(forum, false), jobs: [...atR0.jobs, job(forum, "pre", "succeeded")] }), want: { phase: "Upgrading", readyReplicas: 3, version: "3.5.2", revision: R, conditions: ["Ready=True/Ready", "Progressing=True/RollingOut", "Degraded=False/AsExpected", "DatabaseReady=True/Ready", "Paused=False/Reconciling"] } },
    { name: "upgrade, post-deployment migration", facts: facts({ ...atR0, ...atSpec(forum), jobs: [...atR0.jobs, job(forum, "pre", "succeeded")] }), want: { phase: "Upgrading", readyReplicas: 3, version: "3.5.2", revision: R, conditions: ["Ready=True/Ready", "Progressing=True/PostDeploymentMigration", "Degraded=False/AsExpected", "DatabaseReady=True/Ready", "Paused=False/Reconciling"] } },
    { name: "a failed write", facts: facts(complete, { applyError: "Service f-web: HTTP 422" }), want: { phase: "Degraded", readyReplicas: 3, version: "3.5.2", revision: R, conditions: ["Ready=True/Ready", "Progressing=False/Complete", "Degraded=True/ApplyFailed", "DatabaseReady=True/Ready", "Paused=False/Reconciling"] } },
    { name: "credentials missing", facts: facts(backends, { credentialsMissing: "f-db-credentials" }), want: { phase: "Provisioning", readyReplicas: 0, conditions: ["Ready=False/DatabaseNotReady", "Progressing=True/PreDeploymentMigration", "Degraded=False/AsExpected", "DatabaseReady=False/CredentialsMissing", "Paused=False/Reconciling"] } },
    { name: "external database, db-init failed", facts: facts({ dbInitJob: { apiVersion: "batch/v1", kind: "Job", metadata: { name: "marketplace-db-init" }, status: JOB_STATUS.failed } }, { managedDatabase: false, dbInitRequired: true }, marketplace()), want: { phase: "Degraded", readyReplicas: 0, conditions: ["Ready=False/DatabaseNotReady", "Progressing=False/DatabaseInitFailed", "Degraded=True/DatabaseInitFailed", "DatabaseReady=False/Initializing", "Paused=False/Reconciling"] } },
    { name: "scaled to zero", facts: facts(complete, { desiredReplicas: 0 }), want: { phase: "Running", readyReplicas: 3, version: "3.5.2", revision: R, conditions: ["Ready=False/ScaledToZero", "Progressing=False/Complete", "Degraded=False/AsExpected", "DatabaseReady=True/Ready", "Paused=False/Reconciling"] } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = computeStatus(undefined, c.facts, T0);
      expect({ phase: s.phase, readyReplicas: s.readyReplicas, conditions: (s.conditions ?? []).map((x) => `${x.type}=${x.status}/${x.reason}`), ...(s.version ? { version: s.version } : {}), ...(s.revision ? { revision: s.revision } : {}) }).to.deep.equal(c.want);
      expect([s.url, s.observedGeneration]).to.deep.equal(["https://f.web.cern.ch", 4]);
    });
  }

  it("restoredFrom: set once the restore Job succeeded, kept afterwards, absent otherwise", () => {
    const restored = computeStatus(undefined, facts(complete, { restoredFrom: "nightly-1" }), T0);
    expect(restored.restoredFrom).to.equal("nightly-1");
    expect(computeStatus(restored, facts(complete), T1).restoredFrom, "kept when the restore Job is gone").to.equal("nightly-1");
    expect(computeStatus(undefined, facts(complete), T0)).to.not.have.property("restoredFrom");
  });

  it("a failed migration names the Job, what serves, and how to retry", () => {
    const s = computeStatus(undefined, facts({ ...atR0, jobs: [...atR0.jobs, job(forum, "pre", "failed")] }), T0);
    const name = nameOf(forum, "pre");
    expect(s.conditions?.find((x) => x.type === "Degraded")?.message).to.equal(
      `pre-deployment migration Job ${name} of revision ${R} failed (see kubectl logs job/${name}); serving revision ${codeRevision(R0)} (version 3.4.2). A changed spec makes a new attempt; deleting the Job retries it as it is`,
    );
  });
});

describe("newFailure: one Event per failure", () => {
  const failedPre = facts({ ...atR0, jobs: [...atR0.jobs, job(forum, "pre", "failed")] });
  const first = computeStatus(undefined, failedPre, T0);
  const cases = [
    { name: "a new failure", current: computeStatus(undefined, facts(atR0), T0), next: first, want: "MigrationFailed" },
    { name: "the same failure again", current: first, next: computeStatus(first, failedPre, T1), want: undefined },
    { name: "another Job failed", current: first, next: computeStatus(first, facts({ ...atR0, jobs: [...atR0.jobs, job(fixedEnv, "pre", "failed")] }, {}, fixedEnv), T1), want: "MigrationFailed" },
    { name: "no failure", current: undefined, next: computeStatus(undefined, facts(complete), T0), want: undefined },
  ];
  for (const c of cases) it(c.name, () => expect(newFailure(c.current, c.next)?.reason).to.equal(c.want));
});

describe("findOrphanSecrets", () => {
  const now = Date.parse("2026-01-01T01:00:00Z");
  const secret = (name: string, labels: Record<string, string>, created: string, owned = false): KubeObject => ({
    apiVersion: "v1", kind: "Secret",
    metadata: { name, namespace: "ns", labels, creationTimestamp: created, ...(owned ? { ownerReferences: [{ apiVersion: "discourse.cern/v1alpha1", kind: "Discourse", name: "x", uid: "u" }] } : {}) },
  });
  const m = { "app.kubernetes.io/managed-by": "discourse-operator" };
  const old = "2026-01-01T00:00:00Z";
  const secrets = [
    secret("orphan", { ...m, "app.kubernetes.io/instance": "never" }, old),
    secret("young", { ...m, "app.kubernetes.io/instance": "never" }, "2026-01-01T00:55:00Z"),
    secret("has-owner-object", { ...m, "app.kubernetes.io/instance": "exists" }, old),
    secret("owned", { ...m, "app.kubernetes.io/instance": "never" }, old, true),
    secret("retained", { ...m, "app.kubernetes.io/instance": "never", "discourse.cern/retained": "true" }, old),
    secret("not-ours", { "app.kubernetes.io/instance": "never" }, old),
  ];
  it("only unowned, unretained, old Secrets of a Discourse that does not exist", () => {
    const got = findOrphanSecrets(secrets, (_ns, name) => name === "exists", 10 * 60_000, now).map((s) => s.metadata.name);
    expect(got).to.deep.equal(["orphan"]);
  });
});
