/**
 * Live objects as the caches hold them at each step of a forum's migrations: Jobs in the
 * states the Job controller reports, Deployments that record their code (app-code.ts),
 * rolled out or mid-roll, and ready backends.
 */
import { type AppCode, codeAnnotations, specCode } from "../../../reconciler/builders/app-code.js";
import { buildMigrateJob, type MigrationStage } from "../../../reconciler/builders/migrate-job.js";
import type { KubeObject } from "../../../reconciler/client/kube-client.js";
import type { MigrationFacts } from "../../../reconciler/steps/plan-migrations.js";
import type { DefaultedDiscourse } from "../../../src/api/types.js";
import { rootForum, withSpec } from "../builders/fixtures.js";

// States a Job reaches as the Job controller reports them
// (https://kubernetes.io/docs/concepts/workloads/controllers/job/#job-termination-and-cleanup).
export type JobRun = "active" | "succeeded" | "failed";
export const JOB_STATUS: Record<JobRun, object> = {
  active: { active: 1 },
  succeeded: { succeeded: 1, conditions: [{ type: "SuccessCriteriaMet", status: "True" }, { type: "Complete", status: "True" }] },
  failed: { failed: 4, conditions: [{ type: "FailureTarget", status: "True" }, { type: "Failed", status: "True" }] },
};

/** The migration Job the builder makes for `obj`, as the cache would hold it in state `run`. */
export function job(obj: DefaultedDiscourse, stage: MigrationStage, run: JobRun): KubeObject {
  return { ...(buildMigrateJob(obj, stage) as unknown as KubeObject), status: JOB_STATUS[run] };
}
export const nameOf = (obj: DefaultedDiscourse, stage: MigrationStage): string => buildMigrateJob(obj, stage).metadata!.name!;

/** A Deployment that records `code`, rolled out (`done`) or in the middle of its roll. */
export function deployment(name: string, code: AppCode | undefined, replicas: number, done = true): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, generation: 3, ...(code ? { annotations: codeAnnotations(code) } : {}) },
    spec: { replicas, template: { spec: { containers: [{ image: code?.image ?? "docker.io/discourse/discourse:3.4.2" }] } } },
    status: done
      ? { observedGeneration: 3, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas }
      : { observedGeneration: 3, replicas: replicas + 1, updatedReplicas: 1, readyReplicas: replicas, availableReplicas: replicas },
  };
}
export const ready = (kind: string, name: string, n: number): KubeObject => ({ apiVersion: "apps/v1", kind, metadata: { name }, status: { readyReplicas: n } });

export const forum = rootForum();
export const R0: AppCode = { version: "3.4.2", image: "docker.io/discourse/discourse:3.4.2", plugins: forum.spec.plugins };
export const old = withSpec(forum, (s) => { s.version = R0.version; s.image = R0.image; });
export const withPlugin = withSpec(forum, (s) => { s.plugins.push({ name: "discourse-reactions", repository: "https://github.com/discourse/discourse-reactions" }); });
export const fixedEnv = withSpec(forum, (s) => { s.env = s.env.slice(1); });
export const backends = { postgres: ready("StatefulSet", "root-forum-postgresql", 1), redis: ready("Deployment", "root-forum-redis", 1) };
/** A forum that has run R0 to completion. */
export const atR0 = { ...backends, web: deployment("root-forum-web", R0, 3), sidekiq: deployment("root-forum-sidekiq", R0, 2), jobs: [job(old, "pre", "succeeded"), job(old, "post", "succeeded")] };
export const atSpec = (obj: DefaultedDiscourse, done = true): Partial<MigrationFacts> => ({ web: deployment("root-forum-web", specCode(obj), 3, done), sidekiq: deployment("root-forum-sidekiq", specCode(obj), 2, done) });

