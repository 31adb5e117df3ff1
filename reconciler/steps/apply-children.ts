/**
 * Apply or delete every child of the desired state, phase by phase; the
 * children of one phase are independent and written at the same time:
 *
 * 1. config, identity and storage: the credentials Secret (adoption), the
 *    ConfigMaps, the OpenShift ServiceAccount and its SCC RoleBinding, and the
 *    claims, which the pods of the next phases reference;
 * 2. backends and migrations: the PostgreSQL and Redis StatefulSets and
 *    Services, the db-init and migration Jobs;
 * 3. workloads, services, exposure and policies: web and sidekiq, the web
 *    Service, Ingress or Route, PodDisruptionBudget, NetworkPolicy. The
 *    migration Job of a new version is written before web and sidekiq (API.md:
 *    it runs "before web and sidekiq roll to a new version"; plan-migrations.ts
 *    keeps their old image until it succeeded).
 *
 * Every creation has its own log line, but what a reconcile created gets one Event,
 * `created Secret f-app-secrets (generated secret_key_base), ConfigMap f-env, …` (reason
 * Created: the Secrets of steps/secrets.ts first, then the children in phase order;
 * steps/created-event.ts): a new forum gets 1 Event instead of 15. An adoption (the first
 * patch of a claim the StatefulSet controller made) has its log line and no Event
 * (apply/apply-child.ts). Events are writes to the API
 * server like any other; at a fleet's first reconcile they were half of the requests
 * sent (docs/benchmarks.md), and client-go's own spam filter allows 25 Events per object
 * in a burst (tools/record/events_cache.go). Updates, corrections and deletions keep one
 * Event each: those are the ones a user reads `kubectl describe` for.
 *
 * Services are the exception: they are written beside the phases, from the start of the
 * first (see BESIDE_KINDS); in the results and the Created Event they keep their phase's place.
 *
 * Within a phase the builders' order is kept for the results. A failure of one
 * child does not stop the others, nor the later phases (they may still
 * converge); the failures are returned together so the reconcile is retried
 * with backoff.
 */
import type { DesiredChild } from "../builders/index.js";
import { applyChild, deleteChild, type ApplyContext, type ChildAction } from "../apply/apply-child.js";
import { describeError, type KubeObject } from "../client/kube-client.js";
import { recordCreated } from "./created-event.js";

export interface ChildrenResult {
  actions: ChildAction[];
  /** One line per failed child, without secret values; undefined when all succeeded. */
  error?: string;
}

/**
 * Kinds written beside the phases: started with the first, awaited after the last, so they
 * never hold a phase back. A Service selects pods by label and references nothing, so no
 * child needs it first; and it is the slowest create (the apiserver allocates its ClusterIP
 * first, an IPAddress object of networking.k8s.io, KEP-1880): as a member of phases 2 and 3
 * it was the last write of each, and added 0.5–2.2 s to a new forum's first reconcile at
 * 2,000 forums (docs/benchmarks.md, sixth session).
 */
const BESIDE_KINDS = new Set(["Service"]);
/** Kinds of phase 1, whatever their name. */
const CONFIG_KINDS = new Set(["Secret", "ConfigMap", "ServiceAccount", "RoleBinding", "PersistentVolumeClaim"]);
/** Kinds of phase 2, whatever their name. */
const BACKEND_KINDS = new Set(["StatefulSet", "Job"]);
/** Kinds of phase 2 when named `<forum>-<suffix>` (the managed backends). */
const BACKEND_SUFFIXES = ["postgresql", "redis"];

/**
 * The phase (0, 1 or 2) of a child of the forum `owner` (see the file comment).
 * @param owner - the Discourse's metadata.name.
 */
export function phaseOf(child: Pick<DesiredChild, "kind" | "name">, owner: string): number {
  if (CONFIG_KINDS.has(child.kind)) return 0;
  if (BACKEND_KINDS.has(child.kind)) return 1;
  if (BACKEND_SUFFIXES.some((s) => child.name === `${owner}-${s}`)) return 1;
  return 2;
}

/** The children grouped by phase, phases in order, each in the builders' order. */
export function phases<T extends Pick<DesiredChild, "kind" | "name">>(children: T[], owner: string): T[][] {
  const out: T[][] = [[], [], []];
  for (const c of children) out[phaseOf(c, owner)]?.push(c);
  return out.filter((p) => p.length > 0);
}

async function one(ctx: ApplyContext, child: DesiredChild, namespace: string): Promise<ChildAction> {
  if (!child.object) {
    return deleteChild(ctx, { apiVersion: child.apiVersion, kind: child.kind, namespace, name: child.name }, "no longer wanted by the spec");
  }
  const desired = child.object as unknown as KubeObject;
  return applyChild(ctx, desired, { adoptOnly: child.mode === "patchIfExists", createOnly: child.mode === "create", noCreatedEvent: true });
}

/**
 * Runs every child, phase after phase, the children of a phase concurrently, the Services
 * beside them all; never throws.
 * @param created - what the reconcile created before (its Secrets): named first in the one
 *   Created Event, with the children created here (steps/created-event.ts); emptied.
 */
export async function applyChildren(ctx: ApplyContext, children: DesiredChild[], created: string[] = []): Promise<ChildrenResult> {
  const namespace = ctx.owner.metadata.namespace ?? "";
  const owner = ctx.owner.metadata.name;
  const settled = new Map<DesiredChild, PromiseSettledResult<ChildAction>>();
  const write = async (group: DesiredChild[]): Promise<void> => {
    const results = await Promise.allSettled(group.map((child) => one(ctx, child, namespace)));
    group.forEach((child, i) => settled.set(child, results[i] as PromiseSettledResult<ChildAction>));
  };
  const ordered = phases(children, owner);
  const beside = write(children.filter((c) => BESIDE_KINDS.has(c.kind)));
  for (const phase of ordered) await write(phase.filter((c) => !BESIDE_KINDS.has(c.kind)));
  await beside;
  // Results in phase order, each phase in the builders' order, whenever each was written.
  const actions: ChildAction[] = [];
  const failures: string[] = [];
  for (const child of ordered.flat()) {
    const r = settled.get(child);
    if (r?.status === "fulfilled") actions.push(r.value);
    else if (r) failures.push(`${child.kind} ${child.name}: ${describeError(r.reason)}`);
  }
  created.push(...actions.filter((a) => a.action === "created").map((a) => `${a.kind} ${a.name}`));
  await recordCreated(ctx.events, ctx.owner, created);
  return { actions, ...(failures.length > 0 ? { error: failures.join("; ") } : {}) };
}
