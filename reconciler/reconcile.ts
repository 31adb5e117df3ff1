/**
 * One reconcile of one Discourse, a short ordered list of steps
 * (STYLE.md practice 6, CloudNativePG's cluster_create.go):
 *
 * 1. read the Discourse from the cache (gone: nothing to do);
 * 2. being deleted: release or delete what `deletionPolicy` says, drop the finalizer;
 * 3. paused: report condition Paused, change nothing;
 * 4. default and validate again (defence in depth): invalid → Degraded + Event, no child touched;
 * 5. hold the finalizer;
 * 6. the forum's Secrets: generate what is missing; a Secret of another forum → Degraded, nothing touched
 *    (on a forum's first reconcile, 5 and 6 go at once: holdAndGenerate);
 * 7. the hostname: when an older forum holds it, this one gets no Ingress or Route (Degraded, HostnameConflict);
 * 8. plan the migrations (steps/plan-migrations.ts): which code web and sidekiq run, and
 *    which migration Job (pre- or post-deployment) is due, once its gates are ready;
 * 9. build every child and apply or delete it, writing only what drifted;
 * 10. write status last, only when it changed; a new failure (a migration Job that failed)
 *    gets one Warning Event.
 */
import type { DefaultedDiscourse, DiscourseStatus } from "../src/api/types.js";
import type { ApplyContext, ChildAction } from "./apply/apply-child.js";
import type { ChildStore } from "./apply/child-store.js";
import { buildAll, type BuildOptions, dbInitJobName, type DesiredChild, postgresqlName, redisName, sidekiqName, webName } from "./builders/index.js";
import { restoreJobName } from "./builders/backup-names.js";
import { envConfig, type EnvConfig } from "./builders/env-configmap.js";
import { jobState } from "./steps/job-state.js";
import type { KubeObject } from "./client/kube-client.js";
import { objectKey, splitKey } from "./informer/object-cache.js";
import { computeStatus, invalidStatus, newFailure, pausedStatus, refusedStatus } from "./status/compute-status.js";
import { applyChildren, type ChildrenResult } from "./steps/apply-children.js";
import { checkSpec } from "./steps/check-spec.js";
import type { ReconcileContext } from "./steps/context.js";
import { finalize } from "./steps/finalize.js";
import { hostnameHolder, hostnameIndexValue, hostnameOf } from "./steps/hostname-holder.js";
import { type MigrationFacts, planMigrations, type MigrationPlan } from "./steps/plan-migrations.js";
import { actOnBackupGates, backupGateFacts } from "./steps/backup-gates.js";
import type { SecretsOutcome } from "./steps/secrets.js";
import { holdAndGenerate } from "./steps/hold-and-generate.js";
import { recordCreated } from "./steps/created-event.js";
import { writeStatus } from "./steps/write-status.js";

export type { ReconcileContext } from "./steps/context.js";

type ReadySecrets = Extract<SecretsOutcome, { ok: true }>;

export type ReconcileOutcome = "not-found" | "finalized" | "paused" | "invalid" | "migrating" | "reconciled";

/**
 * Reconciles the Discourse `namespace/name`.
 * @returns what happened; @throws when a write failed (status says Degraded; the queue retries with backoff).
 */
export async function reconcile(ctx: ReconcileContext, key: string): Promise<ReconcileOutcome> {
  const { namespace, name } = splitKey(key);
  const read = ctx.discourses.get(namespace, name);
  if (!read || read.metadata.deletionTimestamp) ctx.settled?.forget(key);
  if (!read) return "not-found";
  if (read.metadata.deletionTimestamp) {
    await finalize(ctx, read);
    return "finalized";
  }
  const now = new Date().toISOString();
  const status = read.status as DiscourseStatus | undefined;
  if ((read.spec as { paused?: unknown } | undefined)?.paused === true) {
    await writeStatus(ctx, read, pausedStatus(status, read.metadata.generation, now));
    return "paused";
  }
  const check = checkSpec(read, ctx.routeApiAvailable);
  if (!check.ok) {
    await ctx.events.record(read, "Warning", "InvalidSpec", check.message);
    await writeStatus(ctx, read, invalidStatus(status, read.metadata.generation, check.message, now));
    return "invalid";
  }
  const { obj, secrets } = await holdAndGenerate(ctx, read, check.obj);
  const defaulted: DefaultedDiscourse = { ...check.obj, metadata: obj.metadata as unknown as DefaultedDiscourse["metadata"] };
  if (!secrets.ok) {
    await ctx.events.record(obj, "Warning", secrets.reason, secrets.message);
    await writeStatus(ctx, obj, refusedStatus(status, obj.metadata.generation, secrets.reason, secrets.message, now));
    return "invalid";
  }
  try {
    return await converge(ctx, obj, defaulted, { secrets, status, now });
  } finally {
    // A step between the Secrets and the children threw: what was created still gets its Event.
    await recordCreated(ctx.events, obj, secrets.created);
  }
}

/**
 * Steps 7 to 10 of the file comment, for a forum whose Secrets are settled.
 * @param read - what steps 1 to 6 found: the Secrets (their `created` go into the children's
 *   one Created Event), the status as read, the time of this reconcile.
 */
async function converge(ctx: ReconcileContext, obj: KubeObject, defaulted: DefaultedDiscourse, read: { secrets: ReadySecrets; status: DiscourseStatus | undefined; now: string }): Promise<ReconcileOutcome> {
  const { secrets, status, now } = read;
  const conflict = await hostnameConflict(ctx, obj);
  // The live children this reconcile reads, each inflated once (a forum's StatefulSets and
  // Deployments are read by the builders' options, the plan and the status alike).
  const reading: ReconcileContext = { ...ctx, store: readOnce(ctx.store) };
  // env built at most once, read by the plan (migration Job names) and the builders (ConfigMap, config hash)
  const observed = withEnv(liveOptions(reading, defaulted), defaulted);
  const gateFacts = backupGateFacts(ctx, defaulted);
  const plan = planMigrations({ ...migrationFacts(reading, defaulted, status, observed), backups: gateFacts, source: obj });
  await actOnBackupGates(ctx, obj, defaulted, plan, gateFacts);
  const applyCtx: ApplyContext = { client: ctx.client, store: ctx.store, events: ctx.events, logger: ctx.logger, owner: obj };
  const result = await settleChildren(ctx, applyCtx, { obj, defaulted, observed, plan, conflict, secrets });
  // what the children's step wrote is read again (the cache holds the writes' answers)
  const facts = statusFacts(result.actions.every(readOnly) ? reading : ctx, defaulted, plan, result.error);
  const next = computeStatus(status, { ...facts, ...(secrets.credentialsMissing ? { credentialsMissing: secrets.credentialsMissing } : {}), ...(conflict ? { hostnameConflict: conflict } : {}) }, now);
  const failure = newFailure(status, next);
  if (failure && (failure.reason === "MigrationFailed" || failure.reason === plan.blocked?.reason)) {
    await ctx.events.record(obj, "Warning", failure.reason, failure.message);
  }
  await writeStatus(ctx, obj, next);
  if (result.error) throw new Error(`could not reconcile every child: ${result.error}`);
  return plan.progress === "Complete" ? "reconciled" : "migrating";
}

/**
 * `opts` with `env` (the env ConfigMap and its hash, builders/env-configmap.ts) built on its
 * first read, once: a reconcile whose plan builds no migration Job and whose children are
 * settled (steps/settled-children.ts) never needs it.
 */
function withEnv(opts: BuildOptions, obj: DefaultedDiscourse): BuildOptions {
  let env: EnvConfig | undefined;
  return Object.defineProperty({ ...opts }, "env", { enumerable: true, get: () => (env ??= envConfig(obj)) });
}

/** Whether `a` wrote nothing (the cache holds what it held before it). */
function readOnly(a: ChildAction): boolean {
  return a.action === "unchanged" || a.action === "absent" || a.action === "missing";
}

/** `store` whose `get` reads each object once, then answers from memory: for one reconcile's reads before its writes. */
function readOnce(store: ChildStore): ChildStore {
  const seen = new Map<string, KubeObject | undefined>();
  return {
    ...store,
    get: (kind, namespace, name) => {
      const key = `${kind}/${namespace}/${name}`;
      if (seen.has(key)) return seen.get(key);
      const obj = store.get(kind, namespace, name);
      seen.set(key, obj);
      return obj;
    },
  };
}

/** What steps 8 and 9 decided, from which the children are built. */
interface ChildrenInputs {
  obj: KubeObject;
  defaulted: DefaultedDiscourse;
  observed: BuildOptions;
  plan: MigrationPlan;
  conflict: string | undefined;
  secrets: ReadySecrets;
}

/**
 * Step 9: builds every child and applies or deletes it, unless the children of this very
 * input were all found as desired last time and still are (steps/settled-children.ts): then
 * nothing is built, hashed or read.
 */
async function settleChildren(ctx: ReconcileContext, applyCtx: ApplyContext, i: ChildrenInputs): Promise<ChildrenResult> {
  const namespace = i.obj.metadata.namespace ?? "";
  const forumKey = objectKey(namespace, i.obj.metadata.name);
  // Secrets created by this reconcile go into the children's Created Event: the full path.
  const inputs = ctx.settled && i.secrets.created.length === 0 ? childrenInputs(ctx, i) : undefined;
  if (inputs !== undefined && ctx.settled?.unchanged(forumKey, inputs, ctx.store, namespace)) return { actions: [] };
  const children = buildAll(i.defaulted, { ...i.observed, ...planOptions(i.plan) })
    .filter((c) => c.kind !== "Secret" || i.secrets.adopt.has(c.name))
    // Without the Route API no Route can exist: no GET (uncached, it has no informer) to find
    // none to delete. A Route asked for is still applied, and its failure reported.
    .filter((c) => c.kind !== "Route" || ctx.routeApiAvailable || c.object !== null)
    .map((c) => (i.conflict && EXPOSURE_KINDS.has(c.kind) ? withoutObject(c) : c));
  const result = await applyChildren(applyCtx, children, i.secrets.created);
  if (inputs !== undefined) ctx.settled?.record(forumKey, inputs, result.actions, result.error !== undefined, ctx.store, namespace);
  else ctx.settled?.forget(forumKey);
  return result;
}

/**
 * Everything the children depend on besides the builders' code, as one string: the
 * Discourse's version (its spec, so the defaulted object and the env ConfigMap), the
 * platform, the live claim template sizes, the plan's decisions (served code, the due
 * migration Job by stage and name: the plan builds it from the same Discourse), the
 * hostname conflict and the Secrets to adopt.
 */
function childrenInputs(ctx: ReconcileContext, i: ChildrenInputs): string {
  const { observed, plan } = i;
  return JSON.stringify([
    i.obj.metadata.uid, i.obj.metadata.resourceVersion, ctx.routeApiAvailable, i.conflict !== undefined, [...i.secrets.adopt].sort(),
    observed.openShift ?? null, observed.liveDatabaseClaimTemplateStorage ?? null, observed.liveRedisClaimTemplateStorage ?? null,
    plan.served, plan.job?.stage ?? null, plan.job?.name ?? null, plan.staleJobs,
  ]);
}

/** What the migration plan reads: live web, sidekiq, backends, db-init and Jobs, and status.version. */
function migrationFacts(ctx: ReconcileContext, obj: DefaultedDiscourse, status: DiscourseStatus | undefined, build: BuildOptions): MigrationFacts {
  return {
    obj,
    build,
    web: live(ctx, "Deployment", obj, webName(obj)),
    sidekiq: live(ctx, "Deployment", obj, sidekiqName(obj)),
    postgres: live(ctx, "StatefulSet", obj, postgresqlName(obj)),
    redis: live(ctx, "StatefulSet", obj, redisName(obj)) ?? live(ctx, "Deployment", obj, redisName(obj)),
    dbInitJob: live(ctx, "Job", obj, dbInitJobName(obj)),
    jobs: ctx.store.owned("Job", objectKey(obj.metadata.namespace, obj.metadata.name ?? "")),
    statusVersion: status?.version,
  };
}

/**
 * What the builders need from live objects: the storage of the StatefulSets' existing
 * volumeClaimTemplates (immutable: a larger size grows the claim itself, through the
 * builders' claim-resize entries). The plan gets them too: the migration Jobs' names
 * depend on the builders' options.
 */
function liveOptions(ctx: ReconcileContext, obj: DefaultedDiscourse): BuildOptions {
  const storage = liveClaimTemplateStorage(ctx, obj, postgresqlName(obj));
  const redisStorage = liveClaimTemplateStorage(ctx, obj, redisName(obj));
  return {
    // a cluster serving route.openshift.io/v1 is OpenShift: its pods pass restricted-v2 (builders/platform.ts)
    openShift: ctx.routeApiAvailable,
    ...(storage !== undefined ? { liveDatabaseClaimTemplateStorage: storage } : {}),
    ...(redisStorage !== undefined ? { liveRedisClaimTemplateStorage: redisStorage } : {}),
  };
}

/** What the builders need from the plan: the code web and sidekiq run, the migration Job due (as the plan built it), stale migration Jobs. */
function planOptions(plan: MigrationPlan): BuildOptions {
  return {
    served: plan.served,
    ...(plan.job ? { migration: plan.job.stage, migrationJob: plan.job.object } : {}),
    ...(plan.staleJobs.length > 0 ? { staleMigrationJobs: plan.staleJobs } : {}),
  };
}

/** Storage request of the first volumeClaimTemplate of the live StatefulSet `name`, if any. */
function liveClaimTemplateStorage(ctx: ReconcileContext, obj: DefaultedDiscourse, name: string): string | undefined {
  const sts = live(ctx, "StatefulSet", obj, name) as
    | { spec?: { volumeClaimTemplates?: Array<{ spec?: { resources?: { requests?: { storage?: unknown } } } }> } }
    | undefined;
  const storage = sts?.spec?.volumeClaimTemplates?.[0]?.spec?.resources?.requests?.storage;
  return typeof storage === "string" ? storage : undefined;
}

function live(ctx: ReconcileContext, kind: string, obj: DefaultedDiscourse, name: string): KubeObject | undefined {
  return ctx.store.get(kind, obj.metadata.namespace ?? "", name);
}

/** Kinds that expose the hostname: a forum whose hostname an older forum holds gets none. */
const EXPOSURE_KINDS = new Set(["Ingress", "Route"]);

function withoutObject(c: DesiredChild): DesiredChild {
  return { ...c, object: null };
}

/**
 * When an older forum holds `obj`'s hostname: a Warning Event naming it, and the message
 * for the Degraded condition. @returns undefined when `obj` holds its hostname.
 */
async function hostnameConflict(ctx: ReconcileContext, obj: KubeObject): Promise<string | undefined> {
  // the cache's hostname index (controller.ts): the claimants only, not the whole fleet
  const holder = hostnameHolder(obj, ctx.discourses.indexed(hostnameIndexValue(hostnameOf(obj))));
  if (!holder) return undefined;
  const message = `hostname ${hostnameOf(obj)} is held by the older Discourse ${holder.metadata.namespace ?? ""}/${holder.metadata.name}: this forum gets no Ingress or Route until it has a hostname of its own`;
  await ctx.events.record(obj, "Warning", "HostnameConflict", message);
  return message;
}

function statusFacts(ctx: ReconcileContext, obj: DefaultedDiscourse, plan: MigrationPlan, applyError: string | undefined): Parameters<typeof computeStatus>[1] {
  return {
    generation: obj.metadata.generation,
    hostname: obj.spec.hostname,
    desiredReplicas: obj.spec.replicas,
    ...(applyError ? { applyError } : {}),
    managedDatabase: !obj.spec.database.host,
    dbInitRequired: Boolean(obj.spec.database.host && obj.spec.database.adminSecret),
    postgres: live(ctx, "StatefulSet", obj, postgresqlName(obj)),
    dbInitJob: live(ctx, "Job", obj, dbInitJobName(obj)),
    web: live(ctx, "Deployment", obj, webName(obj)),
    migration: plan,
    ...(restoredFrom(ctx, obj) ? { restoredFrom: obj.spec.restore?.backup } : {}),
  };
}

/** Whether the restore Job of `spec.restore.backup` succeeded (status.restoredFrom then names the backup). */
function restoredFrom(ctx: ReconcileContext, obj: DefaultedDiscourse): boolean {
  if (!obj.spec.restore?.backup) return false;
  return jobState(live(ctx, "Job", obj, restoreJobName(obj.metadata.name ?? ""))) === "succeeded";
}
