/**
 * One reconcile of one Discourse, a short ordered list of steps
 * (STYLE.md practice 6, CloudNativePG's cluster_create.go):
 *
 * 1. read the Discourse from the cache (gone: nothing to do);
 * 2. being deleted: release or delete what `deletionPolicy` says, drop the finalizer;
 * 3. paused: report condition Paused, change nothing;
 * 4. default and validate again (defence in depth): invalid → Degraded + Event, no child touched;
 * 5. hold the finalizer;
 * 6. plan the version: web and sidekiq wait for the migration Job of a new version;
 * 7. build every child and apply or delete it, writing only what drifted;
 * 8. write status last, only when it changed.
 */
import { LABEL_MANAGED_BY, MANAGED_BY } from "../src/api/constants.js";
import type { DefaultedDiscourse, DiscourseStatus } from "../src/api/types.js";
import type { ApplyContext, ChildAction } from "./apply/apply-child.js";
import { buildAll, type BuildOptions, dbInitJobName, migrateJobName, postgresqlName, redisName, webName } from "./builders/index.js";
import type { KubeObject } from "./client/kube-client.js";
import { splitKey } from "./informer/object-cache.js";
import { computeStatus, invalidStatus, pausedStatus } from "./status/compute-status.js";
import { applyChildren } from "./steps/apply-children.js";
import { checkSpec } from "./steps/check-spec.js";
import type { ReconcileContext } from "./steps/context.js";
import { finalize } from "./steps/finalize.js";
import { ensureFinalizer } from "./steps/finalizer.js";
import { planVersion, type VersionPlan } from "./steps/plan-version.js";
import { writeStatus } from "./steps/write-status.js";

export type { ReconcileContext } from "./steps/context.js";

export type ReconcileOutcome = "not-found" | "finalized" | "paused" | "invalid" | "upgrading" | "reconciled";

/**
 * Reconciles the Discourse `namespace/name`.
 * @returns what happened; @throws when a write failed (status says Degraded; the queue retries with backoff).
 */
export async function reconcile(ctx: ReconcileContext, key: string): Promise<ReconcileOutcome> {
  const { namespace, name } = splitKey(key);
  const read = ctx.discourses.get(namespace, name);
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
  const check = checkSpec(read, ctx.discourses, ctx.routeApiAvailable);
  if (!check.ok) {
    await ctx.events.record(read, "Warning", "InvalidSpec", check.message);
    await writeStatus(ctx, read, invalidStatus(status, read.metadata.generation, check.message, now));
    return "invalid";
  }
  const obj = await ensureFinalizer(ctx, read);
  const defaulted: DefaultedDiscourse = { ...check.obj, metadata: obj.metadata as unknown as DefaultedDiscourse["metadata"] };
  const plan = planVersion(defaulted, migrateJobName(defaulted), live(ctx, "Deployment", defaulted, webName(defaulted)), live(ctx, "Job", defaulted, migrateJobName(defaulted)));
  const applyCtx: ApplyContext = { client: ctx.client, store: ctx.store, events: ctx.events, logger: ctx.logger, owner: obj };
  const result = await applyChildren(applyCtx, buildAll(defaulted, buildOptions(ctx, defaulted, plan)));
  const next = computeStatus(status, statusFacts(ctx, defaulted, plan, result.actions, result.error), now);
  await writeStatus(ctx, obj, next);
  if (result.error) throw new Error(`could not reconcile every child: ${result.error}`);
  return plan.waitingFor ? "upgrading" : "reconciled";
}

/**
 * Facts from the live objects the builders need: the image web and sidekiq keep
 * until a migration finishes, and the storage of the StatefulSet's existing
 * volumeClaimTemplate (immutable: a larger spec.database.storage.size grows the
 * claim itself, through the builders' claim-resize entry).
 */
function buildOptions(ctx: ReconcileContext, obj: DefaultedDiscourse, plan: VersionPlan): BuildOptions {
  const storage = liveClaimTemplateStorage(ctx, obj, postgresqlName(obj));
  const redisStorage = liveClaimTemplateStorage(ctx, obj, redisName(obj));
  return {
    // a cluster serving route.openshift.io/v1 is OpenShift: its pods pass restricted-v2 (builders/platform.ts)
    openShift: ctx.routeApiAvailable,
    ...(plan.appImage ? { appImage: plan.appImage } : {}),
    ...(storage !== undefined ? { liveDatabaseClaimTemplateStorage: storage } : {}),
    ...(redisStorage !== undefined ? { liveRedisClaimTemplateStorage: redisStorage } : {}),
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

function statusFacts(ctx: ReconcileContext, obj: DefaultedDiscourse, plan: VersionPlan, actions: ChildAction[], applyError: string | undefined): Parameters<typeof computeStatus>[1] {
  const secret = actions.find((a) => a.kind === "Secret" && a.name === obj.spec.database.credentialsSecret);
  return {
    generation: obj.metadata.generation,
    hostname: obj.spec.hostname,
    version: plan.version,
    desiredReplicas: obj.spec.replicas,
    ...(applyError ? { applyError } : {}),
    ...(secret?.action === "missing" ? { credentialsMissing: secret.name } : {}),
    managedDatabase: !obj.spec.database.host,
    dbInitRequired: Boolean(obj.spec.database.host && obj.spec.database.adminSecret),
    postgres: live(ctx, "StatefulSet", obj, postgresqlName(obj)),
    dbInitJob: live(ctx, "Job", obj, dbInitJobName(obj)),
    web: live(ctx, "Deployment", obj, webName(obj)),
    ...(plan.waitingFor ? { waitingForMigration: plan.waitingFor } : {}),
    migrationFailed: plan.migrationFailed,
  };
}

/** Label selector of every child (and of the credentials Secrets the webhook creates). */
export const CHILD_SELECTOR = `${LABEL_MANAGED_BY}=${MANAGED_BY}`;
