/**
 * The status of a Discourse from what the reconciler saw, pure: conditions
 * Ready, Progressing, Degraded, DatabaseReady and Paused, the phase, url,
 * version, revision and readyReplicas (API.md, "status"). `version` and
 * `revision` are those of the migrated code web and sidekiq run (app-code.ts),
 * absent before the first migration succeeded; Ready is True only then, with
 * every wanted web pod ready.
 */
import type { Phase } from "../../src/api/constants.js";
import type { Condition, DiscourseStatus } from "../../src/api/types.js";
import type { KubeObject } from "../client/kube-client.js";
import { jobState } from "../steps/job-state.js";
import type { MigrationPlan } from "../steps/plan-migrations.js";
import { setConditions, type ConditionInput } from "./conditions.js";

/** What one reconcile observed. */
export interface StatusFacts {
  generation: number | undefined;
  /** The DiscourseBackup whose restore Job succeeded for this forum (spec.restore.backup). */
  restoredFrom?: string;
  hostname: string;
  desiredReplicas: number;
  /** A write that failed, described without secrets. */
  applyError?: string;
  /** Name of the credentials Secret when it does not exist. */
  credentialsMissing?: string;
  /** Set when an older forum holds the hostname: who holds it (reason HostnameConflict). */
  hostnameConflict?: string;
  managedDatabase: boolean;
  /** External database with adminSecret: the db-init Job must succeed. */
  dbInitRequired: boolean;
  postgres?: KubeObject;
  dbInitJob?: KubeObject;
  web?: KubeObject;
  /** The migration plan of this reconcile (reconciler/steps/plan-migrations.ts). */
  migration: MigrationPlan;
}

interface WorkloadStatus {
  readyReplicas?: number;
  updatedReplicas?: number;
  observedGeneration?: number;
}

const statusOf = (o: KubeObject | undefined): WorkloadStatus => (o?.status ?? {});

function databaseCondition(f: StatusFacts): ConditionInput {
  const c = (status: "True" | "False", reason: string, message: string): ConditionInput => ({ type: "DatabaseReady", status, reason, message });
  if (f.credentialsMissing) return c("False", "CredentialsMissing", `Secret ${f.credentialsMissing} does not exist: create it (the mutating webhook does on CREATE) with keys username and password`);
  if (f.managedDatabase) {
    return (statusOf(f.postgres).readyReplicas ?? 0) >= 1
      ? c("True", "Ready", "the managed PostgreSQL is ready")
      : c("False", "Starting", "waiting for the managed PostgreSQL StatefulSet to become ready");
  }
  if (f.dbInitRequired) {
    return jobState(f.dbInitJob) === "succeeded"
      ? c("True", "Initialized", "role, database and extensions exist on the external server")
      : c("False", "Initializing", "waiting for the db-init Job");
  }
  return c("True", "External", "the external database is configured (not probed)");
}

function rollout(f: StatusFacts): { ready: number; complete: boolean } {
  const s = statusOf(f.web);
  const ready = s.readyReplicas ?? 0;
  const generation = f.web?.metadata.generation ?? 0;
  const complete = f.web !== undefined && (s.observedGeneration ?? 0) >= generation && (s.updatedReplicas ?? 0) >= f.desiredReplicas && ready >= f.desiredReplicas;
  return { ready, complete };
}

/** "revision R (version V)" of the spec's code, or of what runs. */
function describeRevision(m: MigrationPlan, which: "target" | "running"): string {
  if (which === "running") return m.running ? `revision ${m.running.revision} (version ${m.running.code.version})` : "nothing yet";
  return `revision ${m.target}`;
}

function failedMigrationMessage(m: MigrationPlan): string {
  const stage = m.job?.stage === "post" ? "post-deployment" : "pre-deployment";
  return `${stage} migration Job ${m.failedJob ?? ""} of ${describeRevision(m, "target")} failed (see kubectl logs job/${m.failedJob ?? ""}); serving ${describeRevision(m, "running")}. A changed spec makes a new attempt; deleting the Job retries it as it is`;
}

function degradedCondition(f: StatusFacts): ConditionInput {
  const m = f.migration;
  if (f.applyError) return { type: "Degraded", status: "True", reason: "ApplyFailed", message: f.applyError };
  if (f.hostnameConflict) return { type: "Degraded", status: "True", reason: "HostnameConflict", message: f.hostnameConflict };
  if (m.failedJob) return { type: "Degraded", status: "True", reason: "MigrationFailed", message: failedMigrationMessage(m) };
  if (m.blocked?.state === "failed") return { type: "Degraded", status: "True", reason: m.blocked.reason, message: m.blocked.message };
  return { type: "Degraded", status: "False", reason: "AsExpected", message: "every child is in its desired state" };
}

/** Progressing True while the forum moves toward the spec's code (the reason names the step), False when it is there or stopped. */
function progressingCondition(f: StatusFacts, r: { ready: number; complete: boolean }): ConditionInput {
  const m = f.migration;
  const progressing = (reason: string, message: string): ConditionInput => ({ type: "Progressing", status: "True", reason, message });
  const target = describeRevision(m, "target");
  switch (m.progress) {
    case "Waiting":
      return progressing(m.blocked?.reason ?? "Waiting", `${m.blocked?.message ?? "waiting"} before the pre-deployment migration of ${target}`);
    case "PreMigrating":
      return progressing("PreDeploymentMigration", `${migrationJobText(m)} runs the pre-deployment migrations of ${target}; web and sidekiq run ${describeRevision(m, "running")}`);
    case "PostMigrating":
      return progressing("PostDeploymentMigration", `${migrationJobText(m)} runs the post-deployment migrations of ${target}`);
    case "RollingOut":
      return progressing("RollingOut", `web and sidekiq roll out ${target}: ${r.ready}/${f.desiredReplicas} web pods ready`);
    case "Failed":
      return { type: "Progressing", status: "False", reason: m.failedJob ? "MigrationFailed" : (m.blocked?.reason ?? "Failed"), message: "stopped until the failure reported by condition Degraded is fixed" };
    case "Complete":
      return r.complete
        ? { type: "Progressing", status: "False", reason: "Complete", message: `web and sidekiq run ${describeRevision(m, "running")}, fully migrated` }
        : progressing("RollingOut", `${r.ready}/${f.desiredReplicas} web pods ready`);
  }
}

/** "Job X", or, while another migration Job still runs, what the next one waits for. */
function migrationJobText(m: MigrationPlan): string {
  if (m.waitingForJob) return `waiting for migration Job ${m.waitingForJob} to end; then the next Job`;
  return `Job ${m.job?.name ?? ""}`;
}

function readyCondition(f: StatusFacts, r: { ready: number; complete: boolean }, dbReady: boolean): ConditionInput {
  const notReady = (reason: string, message: string): ConditionInput => ({ type: "Ready", status: "False", reason, message });
  if (f.desiredReplicas === 0) return notReady("ScaledToZero", "spec.replicas is 0: the forum is stopped");
  if (!dbReady) return notReady("DatabaseNotReady", "the database is not ready");
  if (!f.migration.running) return notReady("NotMigrated", "no code runs yet: web and sidekiq start once the first pre-deployment migration succeeded");
  if (r.ready < f.desiredReplicas) return notReady("NotReady", `${r.ready}/${f.desiredReplicas} web pods ready`);
  return { type: "Ready", status: "True", reason: "Ready", message: `${r.ready}/${f.desiredReplicas} web pods ready, database migrated for ${describeRevision(f.migration, "running")}` };
}

/**
 * Degraded on a failure; Pending before the first migration Job exists; Provisioning
 * until the first migrated code is rolled out and post-migrated; Upgrading while new
 * code is on its way (gates, pre-deployment migration, roll, post-deployment
 * migration); Running after.
 */
function phaseOf(m: MigrationPlan, degraded: boolean): Phase {
  if (degraded) return "Degraded";
  if (!m.running) return m.job || m.waitingForJob ? "Provisioning" : "Pending";
  if (m.installing) return "Provisioning";
  return m.progress === "Complete" ? "Running" : "Upgrading";
}

/**
 * @param current - status as read; conditions keep their lastTransitionTime when their status did not change.
 * @param now - ISO 8601 time for transitions.
 */
export function computeStatus(current: DiscourseStatus | undefined, f: StatusFacts, now: string): DiscourseStatus {
  const r = rollout(f);
  const db = databaseCondition(f);
  const degraded = degradedCondition(f);
  const ready = readyCondition(f, r, db.status === "True");
  const paused: ConditionInput = { type: "Paused", status: "False", reason: "Reconciling", message: "spec.paused is false" };
  const conditions = setConditions(current?.conditions, [ready, progressingCondition(f, r), degraded, db, paused], f.generation, now);
  const running = f.migration.running;
  return {
    ...(f.generation !== undefined ? { observedGeneration: f.generation } : {}),
    conditions,
    phase: phaseOf(f.migration, degraded.status === "True"),
    url: `https://${f.hostname}`,
    ...(running ? { version: running.code.version, revision: running.revision } : {}),
    readyReplicas: r.ready,
    // once restored, the record stays (the restore Job may be removed later)
    ...(f.restoredFrom ?? current?.restoredFrom ? { restoredFrom: f.restoredFrom ?? current?.restoredFrom } : {}),
  };
}

/**
 * The Degraded condition of `next` when it reports a failure that `current` did not
 * (another reason, or another message: another Job), else undefined. The reconciler
 * records one Warning Event per such failure, not one per reconcile.
 */
export function newFailure(current: DiscourseStatus | undefined, next: DiscourseStatus): Condition | undefined {
  const after = next.conditions?.find((c) => c.type === "Degraded");
  if (after?.status !== "True") return undefined;
  const before = current?.conditions?.find((c) => c.type === "Degraded");
  return before?.status === "True" && before.reason === after.reason && before.message === after.message ? undefined : after;
}

/** Status while `spec.paused`: condition Paused True and phase Paused; every other field is kept. */
export function pausedStatus(current: DiscourseStatus | undefined, generation: number | undefined, now: string): DiscourseStatus {
  const paused: ConditionInput = { type: "Paused", status: "True", reason: "Paused", message: "spec.paused is true: the reconciler changes nothing" };
  return { ...current, ...(generation !== undefined ? { observedGeneration: generation } : {}), conditions: setConditions(current?.conditions, [paused], generation, now), phase: "Paused" };
}

/** Status of an invalid object: condition Degraded True (reason InvalidSpec) and phase Degraded; the rest is kept. */
export function invalidStatus(current: DiscourseStatus | undefined, generation: number | undefined, message: string, now: string): DiscourseStatus {
  return refusedStatus(current, generation, "InvalidSpec", message, now);
}

/**
 * Status of a forum the reconciler refuses to act on (InvalidSpec, SecretOwnedByAnotherForum):
 * condition Degraded True with `reason` and phase Degraded; the rest is kept.
 */
export function refusedStatus(current: DiscourseStatus | undefined, generation: number | undefined, reason: string, message: string, now: string): DiscourseStatus {
  const degraded: ConditionInput = { type: "Degraded", status: "True", reason, message };
  const paused: ConditionInput = { type: "Paused", status: "False", reason: "Reconciling", message: "spec.paused is false" };
  return { ...current, ...(generation !== undefined ? { observedGeneration: generation } : {}), conditions: setConditions(current?.conditions, [degraded, paused], generation, now), phase: "Degraded" };
}
