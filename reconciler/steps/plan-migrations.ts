/**
 * The migration plan: which code web and sidekiq run, and which migration Job is due,
 * from the spec and live objects only (pure). It follows a web-only rebuild of
 * discourse/launcher (`v2/cli_runtime.go`): pre-deployment migrations, then the new
 * code starts, then the post-deployment migrations (migrate-job.ts). For the spec's code
 * revision R (app-code.ts):
 *
 * 1. R runs (web carries R in its annotations) → if R's post-deployment migration has
 *    not succeeded, wait until web and sidekiq are rolled out at R, then run it; else
 *    nothing to do.
 * 2. R does not run and its pre-deployment migration succeeded → roll web and sidekiq
 *    to R.
 * 3. Otherwise web and sidekiq keep the code that runs (none on a first install: 0
 *    replicas) and R's pre-deployment migration runs, once every gate is ready
 *    (migration-gates.ts) and no other migration Job of the forum is still running (a
 *    second `db:migrate` would fail on Rails' migration lock).
 *
 * A Job that failed stays; the forum reports MigrationFailed and keeps serving what it
 * served. The Job name covers everything of the spec that reaches the migration pod, so
 * a changed spec (a new revision, or the same code with a fixed env, resources or
 * database setting) is a new attempt; deleting the failed Job retries it unchanged (for
 * a fix made outside the spec, such as a corrected Secret).
 *
 * Succeeded Jobs are the record that a revision's migrations ran; once a revision is
 * complete, the finished migration Jobs of other revisions are deleted.
 */
import { LABEL_COMPONENT, LABEL_INSTANCE } from "../../src/api/constants.js";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { type AppCode, codeRevision, recordedCode, REVISION_ANNOTATION, specCode } from "../builders/app-code.js";
import { COMPONENTS } from "../builders/metadata.js";
import { buildMigrateJob, type MigrationStage, REVISION_LABEL, STAGE_LABEL } from "../builders/migrate-job.js";
import type { BuildOptions, ServedCode } from "../builders/options.js";
import type { V1Job } from "@kubernetes/client-node";
import type { KubeObject } from "../client/kube-client.js";
import { jobState } from "./job-state.js";
import { blockingGate, type GateFacts, type MigrationGate, MIGRATION_GATES } from "./migration-gates.js";
import { VersionMemo } from "../informer/version-memo.js";

/** What the plan reads. */
export interface MigrationFacts extends Omit<GateFacts, "stage" | "firstMigration"> {
  /** Live web and sidekiq Deployments. */
  web?: KubeObject;
  sidekiq?: KubeObject;
  /** The builders' options from live objects (platform, storage): the Job names depend on them. */
  build?: BuildOptions;
  /** Live Jobs of the namespace; only this forum's migration Jobs are read. */
  jobs: KubeObject[];
  /**
   * `status.version` as read. Used only for a web Deployment made before the code
   * annotations existed: its image and this version are taken as migrated code.
   */
  statusVersion?: string;
  /**
   * The Discourse as the cache holds it: the same object until a new version of it is read
   * (informer/object-cache.ts). A reconcile of a version already planned takes the
   * migration Job's name from `jobNames` instead of building and hashing its pod template
   * again; without it the name is computed each time.
   */
  source?: object;
}

/**
 * Names of the migration Jobs computed per Discourse version (`MigrationFacts.source`),
 * stage and platform. The Job is a function of the defaulted spec (itself of the stored
 * spec and the platform), the stage and the platform (builders/migrate-job.ts), and its
 * name is a hash of it; building and hashing its pod template on every reconcile of a
 * migrating forum was a seventh of all the reconciler allocated at 200 forums
 * (docs/benchmarks.md, ninth session). A replaced version goes with its names (informer/version-memo.ts).
 */
const jobNames = new VersionMemo<string, string>();

/** The migration Job of `stage` for the spec's code: its name at once, the object built on first use. */
function migrationJob(f: MigrationFacts, stage: MigrationStage): NonNullable<MigrationPlan["job"]> {
  let built: V1Job | undefined;
  const build = (): V1Job => (built ??= buildMigrateJob(f.obj, stage, f.build));
  const name = jobNames.get(f.source, `${stage}/${f.build?.openShift === true}`, () => build().metadata?.name ?? "");
  return { stage, name, get object() { return build(); } };
}

/** Where the forum is on its way to the spec's code. */
export type MigrationProgress =
  /** A gate holds the pre-deployment migration (`blocked`). */
  | "Waiting"
  /** The pre-deployment migration Job runs (or waits for another migration Job to end). */
  | "PreMigrating"
  /** Web and sidekiq roll to the new code. */
  | "RollingOut"
  | "PostMigrating"
  /** A migration Job failed (`failedJob`). */
  | "Failed"
  /** The spec's code runs, fully migrated. */
  | "Complete";

export interface RunningCode {
  code: AppCode;
  revision: string;
}

export interface MigrationPlan {
  /** Revision of the spec's code. */
  target: string;
  /** The migrated code web and sidekiq are built with after this reconcile; undefined: none yet. */
  running?: RunningCode;
  /** For the builders. */
  served: ServedCode;
  /**
   * The migration Job wanted now (created when absent), by stage and name, and as built
   * (passed to the builders, so a reconcile builds it once).
   */
  job?: { stage: MigrationStage; name: string; object: V1Job };
  progress: MigrationProgress;
  /** No post-deployment migration of this forum has succeeded yet: it is being installed. */
  installing: boolean;
  /** The gate that holds the migration, when one does. */
  blocked?: { gate: string; state: "waiting" | "failed"; reason: string; message: string };
  /** Name of the migration Job that failed for good, when `progress` is Failed. */
  failedJob?: string;
  /** Another migration Job still running, that the wanted one waits for. */
  waitingForJob?: string;
  /** Finished migration Jobs of other revisions, to delete. */
  staleJobs: string[];
}

function label(o: KubeObject, key: string): string | undefined {
  return o.metadata.labels?.[key];
}

function liveImage(d: KubeObject): string | undefined {
  return (d.spec as { template?: { spec?: { containers?: { image?: string }[] } } } | undefined)?.template?.spec?.containers?.[0]?.image;
}

/**
 * The migrated code that runs now: recorded on web (or sidekiq) by app-code.ts; for a web
 * Deployment made before those annotations, its image at `status.version` with the
 * spec's plugins; else none.
 */
export function runningCode(f: Pick<MigrationFacts, "obj" | "web" | "sidekiq" | "statusVersion">): RunningCode | undefined {
  for (const d of [f.web, f.sidekiq]) {
    const code = recordedCode(d?.metadata.annotations);
    if (code) return { code, revision: codeRevision(code) };
  }
  const image = f.web ? liveImage(f.web) : undefined;
  if (f.web && f.statusVersion && image && f.web.metadata.annotations?.[REVISION_ANNOTATION] === undefined) {
    const code = { version: f.statusVersion, image, plugins: f.obj.spec.plugins.map((p) => ({ ...p })) };
    return { code, revision: codeRevision(code) };
  }
  return undefined;
}

/**
 * Whether a Deployment runs `revision` on every pod: its metadata records it, the
 * controller saw the latest spec, and every pod is updated and available with no old
 * pod left (as `kubectl rollout status` decides).
 */
export function rolledOut(d: KubeObject | undefined, revision: string): boolean {
  if (d?.metadata.annotations?.[REVISION_ANNOTATION] !== revision) return false;
  const want = (d.spec as { replicas?: number } | undefined)?.replicas ?? 1;
  const s = (d.status ?? {}) as { observedGeneration?: number; replicas?: number; updatedReplicas?: number; availableReplicas?: number };
  const updated = s.updatedReplicas ?? 0;
  return (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0) && updated >= want && (s.replicas ?? 0) <= updated && (s.availableReplicas ?? 0) >= want;
}

/** This forum's migration Jobs among `jobs`. */
function migrationJobsOf(obj: DefaultedDiscourse, jobs: KubeObject[]): KubeObject[] {
  return jobs.filter((j) => label(j, LABEL_INSTANCE) === obj.metadata.name && label(j, LABEL_COMPONENT) === COMPONENTS.migrations && !j.metadata.deletionTimestamp);
}

interface Ctx {
  f: MigrationFacts;
  gates: readonly MigrationGate[];
  mine: KubeObject[];
  target: string;
  installing: boolean;
  running: RunningCode | undefined;
}

function succeeded(c: Ctx, revision: string, stage: MigrationStage): boolean {
  return c.mine.some((j) => label(j, REVISION_LABEL) === revision && label(j, STAGE_LABEL) === stage && jobState(j) === "succeeded");
}

/** The plan when `stage` of the spec's code is due: its Job, or what holds it. */
function due(c: Ctx, stage: MigrationStage, served: ServedCode): MigrationPlan {
  const base = { target: c.target, served, installing: c.installing, staleJobs: [], ...(c.running ? { running: c.running } : {}) };
  const progress = stage === "pre" ? "PreMigrating" : "PostMigrating";
  const job = migrationJob(c.f, stage);
  const { name } = job;
  const current = c.mine.find((j) => j.metadata.name === name);
  const state = jobState(current);
  if (state === "failed") return { ...base, job, progress: "Failed", failedJob: name };
  if (state !== "absent") return { ...base, job, progress };
  const blocked = blockingGate({ ...c.f, stage, firstMigration: c.running === undefined }, c.gates);
  if (blocked) return { ...base, progress: blocked.verdict.state === "failed" ? "Failed" : "Waiting", blocked: { gate: blocked.gate, ...blocked.verdict } };
  const other = c.mine.find((j) => jobState(j) === "active");
  if (other) return { ...base, progress, waitingForJob: other.metadata.name };
  return { ...base, job, progress };
}

/**
 * @param gates - the gates checked before a migration Job is created (tests pass their own).
 * @returns the plan (see the file comment); never throws.
 */
export function planMigrations(f: MigrationFacts, gates: readonly MigrationGate[] = MIGRATION_GATES): MigrationPlan {
  const code = specCode(f.obj);
  const target = codeRevision(code);
  const mine = migrationJobsOf(f.obj, f.jobs);
  const running = runningCode(f);
  const installing = !mine.some((j) => label(j, STAGE_LABEL) === "post" && jobState(j) === "succeeded");
  const c: Ctx = { f, gates, mine, target, installing, running };
  const atTarget: RunningCode = { code, revision: target };
  if (running?.revision === target || succeeded(c, target, "pre")) {
    const rolling = { ...c, running: atTarget };
    const served = { code, migrated: true };
    if (succeeded(c, target, "post")) {
      const staleJobs = mine.filter((j) => label(j, REVISION_LABEL) !== target && jobState(j) !== "active").map((j) => j.metadata.name);
      return { target, running: atTarget, served, installing, progress: "Complete", staleJobs };
    }
    if (running?.revision !== target || !rolledOut(f.web, target) || !rolledOut(f.sidekiq, target)) {
      return { target, running: atTarget, served, installing, progress: "RollingOut", staleJobs: [] };
    }
    return due(rolling, "post", served);
  }
  return due(c, "pre", running ? { code: running.code, migrated: true } : { code, migrated: false });
}
