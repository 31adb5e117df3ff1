/**
 * Credentials Secrets whose Discourse never came to exist: the mutating
 * webhook creates the Secret on CREATE before the object is stored, and a
 * later admission step (another webhook, a quota) may still reject the
 * object. Such a Secret (labelled managed-by discourse-operator with an
 * instance, owned by nothing, not retained) is removed once it is older than
 * a grace period.
 */
import { LABEL_INSTANCE, LABEL_MANAGED_BY, LABEL_RETAINED, MANAGED_BY } from "../../src/api/constants.js";
import type { KubeObject } from "../client/kube-client.js";
import type { ReconcileContext } from "./context.js";

/** Pure: the orphans among `secrets`, given the Discourse objects that exist. */
export function findOrphanSecrets(secrets: KubeObject[], discourseExists: (namespace: string, name: string) => boolean, graceMs: number, now: number): KubeObject[] {
  return secrets.filter((s) => {
    const labels = s.metadata.labels ?? {};
    const instance = labels[LABEL_INSTANCE];
    if (labels[LABEL_MANAGED_BY] !== MANAGED_BY || !instance || labels[LABEL_RETAINED] === "true") return false;
    if ((s.metadata.ownerReferences ?? []).length > 0) return false;
    const created = Date.parse(s.metadata.creationTimestamp ?? "");
    if (!Number.isFinite(created) || now - created < graceMs) return false;
    return !discourseExists(s.metadata.namespace ?? "", instance);
  });
}

/** Deletes the orphans (by uid, so a Secret re-created meanwhile is kept). @returns how many were deleted. */
export async function removeOrphanSecrets(ctx: ReconcileContext, secrets: KubeObject[], graceMs: number, now = Date.now()): Promise<number> {
  const orphans = findOrphanSecrets(secrets, (ns, name) => ctx.discourses.get(ns, name) !== undefined, graceMs, now);
  let removed = 0;
  for (const s of orphans) {
    const ref = { apiVersion: "v1", kind: "Secret", namespace: s.metadata.namespace, name: s.metadata.name };
    if (await ctx.client.delete(ref, s.metadata.uid)) removed++;
    ctx.logger.info({ action: "deleted", kind: "Secret", namespace: s.metadata.namespace, child: s.metadata.name }, `deleted orphan Secret ${s.metadata.name}: its Discourse ${s.metadata.labels?.[LABEL_INSTANCE] ?? ""} does not exist`);
  }
  return removed;
}
