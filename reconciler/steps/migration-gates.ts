/**
 * What must hold before a migration Job is created, as a list of small pure gates,
 * checked in order; the first that is not ready stops the migration and names the reason
 * in status. A migration started too early fails and uses up its backoffLimit; a gate
 * keeps the Job from being created until it can succeed.
 *
 * Another step that must come before a migration adds a gate here: the backups issue
 * (issue 12) plugs its restore (before the first migration of a forum with
 * `spec.restore.backup`) and its backup before an upgrade (`backup.beforeUpgrade`) into
 * the two gates at the end of the list, with the facts they need added to GateFacts.
 */
import type { DefaultedDiscourse } from "../../src/api/types.js";
import type { MigrationStage } from "../builders/migrate-job.js";
import type { KubeObject } from "../client/kube-client.js";
import { jobState } from "./job-state.js";

/** What the gates read: the Discourse, which migration is next, and live objects. */
export interface GateFacts {
  obj: DefaultedDiscourse;
  stage: MigrationStage;
  /** No migrated code has run for this forum yet: the coming migration is its first. */
  firstMigration: boolean;
  /** Live StatefulSet `<name>-postgresql` (managed database). */
  postgres?: KubeObject;
  /** Live workload `<name>-redis` (managed Redis). */
  redis?: KubeObject;
  /** Live Job `<name>-db-init` (external database with adminSecret). */
  dbInitJob?: KubeObject;
}

/** `ready`, or why not: `waiting` (it will pass on its own) or `failed` (it needs the user). */
export type GateVerdict = { state: "ready" } | { state: "waiting" | "failed"; reason: string; message: string };

export interface MigrationGate {
  name: string;
  check(f: GateFacts): GateVerdict;
}

const READY: GateVerdict = { state: "ready" };

function readyReplicas(o: KubeObject | undefined): number {
  return ((o?.status ?? {}) as { readyReplicas?: number }).readyReplicas ?? 0;
}

/**
 * The database accepts connections for the forum: the managed PostgreSQL has a ready
 * pod; on an external server with `adminSecret`, the db-init Job created role, database
 * and extensions (API.md: it "runs before the first migration"). An external server
 * without `adminSecret` is taken as ready (the operator has no way in to probe it).
 */
export const databaseGate: MigrationGate = {
  name: "database",
  check(f) {
    const { host, adminSecret } = f.obj.spec.database;
    if (!host) {
      return readyReplicas(f.postgres) >= 1 ? READY : { state: "waiting", reason: "WaitingForDatabase", message: "waiting for the managed PostgreSQL to become ready" };
    }
    if (!adminSecret) return READY;
    const init = jobState(f.dbInitJob);
    if (init === "succeeded") return READY;
    if (init === "failed") return { state: "failed", reason: "DatabaseInitFailed", message: `Job ${f.dbInitJob?.metadata.name ?? ""} failed to create the role, database and extensions: see its logs` };
    return { state: "waiting", reason: "WaitingForDatabaseInit", message: "waiting for the db-init Job to create the role, database and extensions" };
  },
};

/**
 * The managed Redis has a ready pod: Discourse cannot migrate without Redis
 * (discourse_docker `templates/redis.template.yml` starts it in its `before_db_migrate`
 * hook: "we can not migrate without redis").
 */
export const redisGate: MigrationGate = {
  name: "redis",
  check(f) {
    if (f.obj.spec.redis.host) return READY;
    return readyReplicas(f.redis) >= 1 ? READY : { state: "waiting", reason: "WaitingForRedis", message: "waiting for the managed Redis to become ready" };
  },
};

/**
 * Before the first migration of a forum created with `spec.restore.backup`, the restore
 * Job loads the backup (API.md, `<name>-restore`: "before the first migration"). The
 * backups issue (issue 12) adds the restore Job and the check here; until then no forum
 * has anything to restore and this gate is always ready.
 */
export const restoreGate: MigrationGate = {
  name: "restore",
  check: () => READY,
};

/**
 * Before the pre-deployment migration of new code on a forum that already runs, a backup
 * completes (API.md, `backup.beforeUpgrade`). The backups issue (issue 12) adds the
 * `DiscourseBackup` and the check here; until then this gate is always ready.
 */
export const backupBeforeUpgradeGate: MigrationGate = {
  name: "backup",
  check: () => READY,
};

/** The gates, in the order they are checked. */
export const MIGRATION_GATES: readonly MigrationGate[] = [databaseGate, redisGate, restoreGate, backupBeforeUpgradeGate];

/** The first gate that is not ready, with its verdict; undefined when all are. */
export function blockingGate(facts: GateFacts, gates: readonly MigrationGate[] = MIGRATION_GATES): { gate: string; verdict: Exclude<GateVerdict, { state: "ready" }> } | undefined {
  for (const gate of gates) {
    const verdict = gate.check(facts);
    if (verdict.state !== "ready") return { gate: gate.name, verdict };
  }
  return undefined;
}
