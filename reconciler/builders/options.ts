/** Facts and decisions the runtime passes to the builders; everything else comes from the Discourse. */
import type { V1DeploymentStrategy, V1Job } from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import type { AppCode } from "./app-code.js";
import type { EnvConfig } from "./env-configmap.js";
import type { MigrationStage } from "./migrate-job.js";

/**
 * What web and sidekiq run, as the migration plan (reconciler/steps/plan-migrations.ts)
 * decided it.
 */
export interface ServedCode {
  /**
   * The code of web and sidekiq: the spec's, or, while a newer revision migrates, the code
   * that runs now (pods roll to new code only after its pre-deployment migration).
   */
  code: AppCode;
  /**
   * Whether the pre-deployment migration of `code` succeeded. Only then do web and sidekiq
   * get their replicas and the code annotations (app-code.ts); before the first migration
   * of a forum they exist with 0 replicas.
   */
  migrated: boolean;
}

export interface BuildOptions {
  /** Defaults to the spec's code, migrated: a forum at rest. */
  served?: ServedCode;
  /** The migration Job the plan wants now, if any (a Job of the spec's code). */
  migration?: MigrationStage;
  /**
   * That Job as the plan built it (reconciler/steps/plan-migrations.ts: its name is the
   * plan's), so a reconcile builds it once; absent: built from `migration`.
   */
  migrationJob?: V1Job;
  /**
   * The ConfigMap `<name>-env` and its hash, built once per reconcile (env-configmap.ts
   * `envConfig`) for the ConfigMap entry and the config-hash annotation of web, sidekiq and
   * the migration Jobs; absent: built where needed.
   */
  env?: EnvConfig;
  /** Migration Jobs to delete: finished Jobs of revisions that no longer run. */
  staleMigrationJobs?: string[];
  /**
   * Storage request of the volumeClaimTemplate in the live StatefulSet `<name>-postgresql`,
   * when that exists. volumeClaimTemplates are immutable (an update changing them is
   * rejected), so the builder keeps the live value; a grown `database.storage.size`
   * reaches the volume through buildDatabaseClaimResize() instead.
   */
  liveDatabaseClaimTemplateStorage?: string;
  /** The same for the live StatefulSet `<name>-redis` (its data volume). */
  liveRedisClaimTemplateStorage?: string;
  /**
   * The cluster is OpenShift (it serves `security.openshift.io/v1`): pods must pass the
   * `restricted-v2` SCC. Unset: derived from `spec.ingress.kind` (see platform.ts).
   */
  openShift?: boolean;
}

/**
 * Rollout of pods that mount the uploads volume. A ReadWriteOnce volume attaches to one
 * node, so a surge pod on another node could never start: `Recreate`. With
 * ReadWriteMany, roll one extra pod at a time and never go below the wanted count.
 */
export function uploadsStrategy(obj: DefaultedDiscourse): V1DeploymentStrategy {
  return obj.spec.storage.uploads.accessMode === "ReadWriteOnce"
    ? { type: "Recreate" }
    : { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
}
