/**
 * The status of a Discourse from what the reconciler saw, pure: conditions
 * Ready, Progressing, Degraded, DatabaseReady and Paused, the phase, url,
 * version and readyReplicas (API.md, "status").
 */
import type { Phase } from "../../src/api/constants.js";
import type { DiscourseStatus } from "../../src/api/types.js";
import type { KubeObject } from "../client/kube-client.js";
import { setConditions, type ConditionInput } from "./conditions.js";

/** What one reconcile observed. */
export interface StatusFacts {
  generation: number | undefined;
  hostname: string;
  /** Version web and sidekiq run (the previous one while a migration is pending). */
  version: string;
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
  /** Name of the migration Job web and sidekiq wait for, while they do. */
  waitingForMigration?: string;
  migrationFailed: boolean;
}

interface WorkloadStatus {
  readyReplicas?: number;
  updatedReplicas?: number;
  observedGeneration?: number;
  succeeded?: number;
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
    return (statusOf(f.dbInitJob).succeeded ?? 0) >= 1
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

function degradedCondition(f: StatusFacts): ConditionInput {
  if (f.applyError) return { type: "Degraded", status: "True", reason: "ApplyFailed", message: f.applyError };
  if (f.hostnameConflict) return { type: "Degraded", status: "True", reason: "HostnameConflict", message: f.hostnameConflict };
  if (f.migrationFailed) return { type: "Degraded", status: "True", reason: "MigrationFailed", message: `migration Job ${f.waitingForMigration ?? ""} failed` };
  return { type: "Degraded", status: "False", reason: "AsExpected", message: "every child is in its desired state" };
}

function progressingCondition(f: StatusFacts, r: { ready: number; complete: boolean }): ConditionInput {
  if (f.waitingForMigration) return { type: "Progressing", status: "True", reason: "Upgrading", message: `waiting for migration Job ${f.waitingForMigration} to succeed before web and sidekiq roll to the new version` };
  if (!r.complete) return { type: "Progressing", status: "True", reason: "RollingOut", message: `${r.ready}/${f.desiredReplicas} web pods ready` };
  return { type: "Progressing", status: "False", reason: "Complete", message: "web is rolled out" };
}

function readyCondition(f: StatusFacts, r: { ready: number; complete: boolean }, dbReady: boolean): ConditionInput {
  if (f.desiredReplicas === 0) return { type: "Ready", status: "False", reason: "ScaledToZero", message: "spec.replicas is 0: the forum is stopped" };
  if (!dbReady) return { type: "Ready", status: "False", reason: "DatabaseNotReady", message: "the database is not ready" };
  if (r.ready < f.desiredReplicas) return { type: "Ready", status: "False", reason: "NotReady", message: `${r.ready}/${f.desiredReplicas} web pods ready` };
  return { type: "Ready", status: "True", reason: "Ready", message: `${r.ready}/${f.desiredReplicas} web pods ready` };
}

function phaseOf(f: StatusFacts, ready: boolean, degraded: boolean): Phase {
  if (degraded) return "Degraded";
  if (f.waitingForMigration) return "Upgrading";
  if (ready) return "Running";
  return f.web ? "Provisioning" : "Pending";
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
  return {
    ...(f.generation !== undefined ? { observedGeneration: f.generation } : {}),
    conditions,
    phase: phaseOf(f, ready.status === "True", degraded.status === "True"),
    url: `https://${f.hostname}`,
    version: f.version,
    readyReplicas: r.ready,
  };
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
