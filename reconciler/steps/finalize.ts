/**
 * Deletion of a Discourse (its finalizer holds it while this runs); docs/deletion.md.
 *
 * What `deletionPolicy` decides about ("retainable") is found by labels, not by
 * owner reference: every PersistentVolumeClaim and Secret labelled
 * `app.kubernetes.io/managed-by: discourse-operator` and `app.kubernetes.io/instance:
 * <name>` in the forum's namespace: the uploads claim, the database and Redis claims
 * the StatefulSet controller made from their templates, the backups claim, the
 * credentials Secret and `<name>-app-secrets`. A Secret the operator did not make
 * lacks those labels and is never touched.
 *
 * While the policy is `Retain` those children carry no owner reference at all
 * (reconciler/builders/metadata.ts `retainableMeta`), so the garbage collector
 * never deletes them through the Discourse, whatever the cascade (background,
 * foreground, orphan). Here `Retain` only labels them `discourse.cern/retained:
 * "true"` and removes any owner reference to the Discourse or to its StatefulSets
 * left from a recent switch of the policy. `Delete` deletes them (the claims made by
 * the StatefulSet controller have no owner reference to the Discourse, so the
 * garbage collector would never remove them). Everything else is owned and goes
 * with the owner.
 */
import { FINALIZER, LABEL_INSTANCE, LABEL_MANAGED_BY, LABEL_RETAINED, MANAGED_BY } from "../../src/api/constants.js";
import type { KubeObject, ObjectRef, OwnerReference } from "../client/kube-client.js";
import type { ReconcileContext } from "./context.js";
import { removeFinalizer } from "./finalizer.js";

/** The kinds `deletionPolicy` decides about. */
export const RETAINABLE_KINDS = ["PersistentVolumeClaim", "Secret"] as const;

/** Label selector of the retainable children of the forum `name`. */
export function retainableSelector(name: string): string {
  return `${LABEL_MANAGED_BY}=${MANAGED_BY},${LABEL_INSTANCE}=${name}`;
}

/**
 * Pure: the owner references a retained child keeps: all but those to the Discourse
 * `owner` and to the forum's own StatefulSets (`<name>-…`, whose claim retention a
 * policy switch may not have caught up with yet).
 */
export function keptOwnerReferences(child: KubeObject, owner: KubeObject): OwnerReference[] {
  const prefix = `${owner.metadata.name}-`;
  return (child.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata.uid && !(r.kind === "StatefulSet" && r.name.startsWith(prefix)));
}

/** The retainable children of `owner`, read from the API (not a cache: this decides about data). */
export async function retainableChildren(ctx: ReconcileContext, owner: KubeObject): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  for (const kind of RETAINABLE_KINDS) {
    let cont: string | undefined;
    do {
      const page = await ctx.client.list("v1", kind, { namespace: owner.metadata.namespace, labelSelector: retainableSelector(owner.metadata.name), limit: 500, continue: cont });
      out.push(...page.items);
      cont = page.continue;
    } while (cont);
  }
  return out;
}

function refOf(o: KubeObject): ObjectRef {
  return { apiVersion: "v1", kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name };
}

async function release(ctx: ReconcileContext, owner: KubeObject, live: KubeObject): Promise<void> {
  const ownerReferences = keptOwnerReferences(live, owner);
  const owned = ownerReferences.length !== (live.metadata.ownerReferences ?? []).length;
  if (!owned && live.metadata.labels?.[LABEL_RETAINED] === "true") return;
  const ref = refOf(live);
  await ctx.client.mergePatch(ref, {
    metadata: { resourceVersion: live.metadata.resourceVersion, labels: { [LABEL_RETAINED]: "true" }, ...(owned ? { ownerReferences } : {}) },
  });
  const message = `released ${ref.kind} ${ref.name} (deletionPolicy Retain): no longer owned, labelled ${LABEL_RETAINED}=true`;
  ctx.logger.info({ action: "released", kind: ref.kind, child: ref.name }, message);
  await ctx.events.record(owner, "Normal", "Retained", message);
}

async function remove(ctx: ReconcileContext, owner: KubeObject, live: KubeObject): Promise<void> {
  const ref = refOf(live);
  if (live.metadata.deletionTimestamp) return;
  await ctx.client.delete(ref, live.metadata.uid);
  const message = `deleted ${ref.kind} ${ref.name} (deletionPolicy Delete)`;
  ctx.logger.info({ action: "deleted", kind: ref.kind, child: ref.name }, message);
  await ctx.events.record(owner, "Normal", "Deleted", message);
}

/**
 * Keeps or deletes the retainable children, then removes the finalizer.
 * @throws the API error of a failed step (the key is retried; the finalizer stays until all succeeded).
 */
export async function finalize(ctx: ReconcileContext, obj: KubeObject): Promise<void> {
  if (!(obj.metadata.finalizers ?? []).includes(FINALIZER)) return;
  const policy = (obj.spec as { deletionPolicy?: string } | undefined)?.deletionPolicy === "Delete" ? "Delete" : "Retain";
  for (const live of await retainableChildren(ctx, obj)) {
    if (policy === "Retain") await release(ctx, obj, live);
    else await remove(ctx, obj, live);
  }
  await removeFinalizer(ctx, obj);
  ctx.logger.info({ deletionPolicy: policy }, `finalized Discourse ${obj.metadata.name}`);
}
