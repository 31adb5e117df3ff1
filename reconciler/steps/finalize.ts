/**
 * Deletion of a Discourse (its finalizer holds it while this runs).
 * `deletionPolicy: Retain` releases the uploads claim, the database claim and
 * the credentials Secret: their ownerReference to the Discourse is removed and
 * they are labelled `discourse.cern/retained: "true"`, so the garbage collector
 * keeps them. `Delete` removes those three too (the database claim, made by
 * the StatefulSet controller, has no ownerReference, so the garbage collector
 * would never remove it). Everything else is owned and goes with the owner.
 */
import { LABEL_INSTANCE, LABEL_RETAINED } from "../../src/api/constants.js";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { ownedBy } from "../apply/apply-child.js";
import { databaseClaimName, redisClaimName, uploadsClaimName } from "../builders/names.js";
import type { KubeObject, ObjectRef } from "../client/kube-client.js";
import { removeFinalizer } from "./finalizer.js";
import type { ReconcileContext } from "./context.js";
import { FINALIZER } from "../../src/api/constants.js";

/** The claims and the Secret that `deletionPolicy` decides about. */
export function retainableRefs(obj: KubeObject): ObjectRef[] {
  const ns = obj.metadata.namespace;
  const asDefaulted = obj as unknown as DefaultedDiscourse;
  const spec = (obj.spec ?? {}) as { database?: { credentialsSecret?: string } };
  const secret = spec.database?.credentialsSecret ?? `${obj.metadata.name}-db-credentials`;
  return [
    { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace: ns, name: uploadsClaimName(asDefaulted) },
    { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace: ns, name: databaseClaimName(asDefaulted) },
    // the managed Redis' data volume (API.md: Retain keeps "the Redis volume")
    { apiVersion: "v1", kind: "PersistentVolumeClaim", namespace: ns, name: redisClaimName(asDefaulted) },
    { apiVersion: "v1", kind: "Secret", namespace: ns, name: secret },
  ];
}

/** Ours to act on: owned by this Discourse, or labelled with its instance (the database claim). */
function belongsTo(live: KubeObject, owner: KubeObject): boolean {
  return ownedBy(live, owner.metadata.uid) || live.metadata.labels?.[LABEL_INSTANCE] === owner.metadata.name;
}

async function release(ctx: ReconcileContext, owner: KubeObject, ref: ObjectRef, live: KubeObject): Promise<void> {
  const ownerReferences = (live.metadata.ownerReferences ?? []).filter((r) => r.uid !== owner.metadata.uid);
  await ctx.client.mergePatch(ref, {
    metadata: { resourceVersion: live.metadata.resourceVersion, labels: { [LABEL_RETAINED]: "true" }, ownerReferences },
  });
  const message = `released ${ref.kind} ${ref.name} (deletionPolicy Retain): no longer owned, labelled ${LABEL_RETAINED}=true`;
  ctx.logger.info({ action: "released", kind: ref.kind, child: ref.name }, message);
  await ctx.events.record(owner, "Normal", "Retained", message);
}

async function remove(ctx: ReconcileContext, owner: KubeObject, ref: ObjectRef, live: KubeObject): Promise<void> {
  await ctx.client.delete(ref, live.metadata.uid);
  const message = `deleted ${ref.kind} ${ref.name} (deletionPolicy Delete)`;
  ctx.logger.info({ action: "deleted", kind: ref.kind, child: ref.name }, message);
  await ctx.events.record(owner, "Normal", "Deleted", message);
}

/**
 * Releases or deletes the retainable children, then removes the finalizer.
 * @throws the API error of a failed step (the key is retried; the finalizer stays until all succeeded).
 */
export async function finalize(ctx: ReconcileContext, obj: KubeObject): Promise<void> {
  if (!(obj.metadata.finalizers ?? []).includes(FINALIZER)) return;
  const policy = (obj.spec as { deletionPolicy?: string } | undefined)?.deletionPolicy === "Delete" ? "Delete" : "Retain";
  for (const ref of retainableRefs(obj)) {
    const live = await ctx.client.get(ref);
    if (!live || !belongsTo(live, obj)) continue;
    if (policy === "Retain") {
      if (ownedBy(live, obj.metadata.uid) || live.metadata.labels?.[LABEL_RETAINED] !== "true") await release(ctx, obj, ref, live);
    } else {
      await remove(ctx, obj, ref, live);
    }
  }
  await removeFinalizer(ctx, obj);
  ctx.logger.info({ deletionPolicy: policy }, `finalized Discourse ${obj.metadata.name}`);
}
