/**
 * Credentials Secrets whose Discourse never came to exist: the mutating
 * webhook creates the Secret on CREATE before the object is stored, and a
 * later admission step (another webhook, a quota) may still reject the
 * object. Such a Secret is removed once it is older than a grace period.
 *
 * The same rule as everywhere (API.md, "Secrets"): only a Secret the operator
 * made is ever deleted, i.e. labelled managed-by discourse-operator with an
 * instance; besides it must be a credentials Secret (component `database` or
 * none: `<name>-app-secrets` is only made for a forum that existed), owned by
 * nothing, not retained by `deletionPolicy: Retain`, and its Discourse must be
 * absent from the cache AND from the API server (a GET just before the delete:
 * under `Retain` a live forum's Secret has no owner reference, so a stale cache
 * must never be enough).
 */
import { API_VERSION, KIND, LABEL_COMPONENT, LABEL_INSTANCE, LABEL_MANAGED_BY, LABEL_RETAINED, MANAGED_BY } from "../../src/api/constants.js";
import type { KubeObject } from "../client/kube-client.js";
import type { ReconcileContext } from "./context.js";

/** Pure: the orphans among `secrets`, given the Discourse objects that exist. */
export function findOrphanSecrets(secrets: KubeObject[], discourseExists: (namespace: string, name: string) => boolean, graceMs: number, now: number): KubeObject[] {
  return secrets.filter((s) => {
    const labels = s.metadata.labels ?? {};
    const instance = labels[LABEL_INSTANCE];
    if (labels[LABEL_MANAGED_BY] !== MANAGED_BY || !instance || labels[LABEL_RETAINED] === "true") return false;
    if (labels[LABEL_COMPONENT] !== undefined && labels[LABEL_COMPONENT] !== "database") return false;
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
    const forum = { apiVersion: API_VERSION, kind: KIND, namespace: s.metadata.namespace, name: s.metadata.labels?.[LABEL_INSTANCE] ?? "" };
    if (await ctx.client.get(forum)) continue;
    const ref = { apiVersion: "v1", kind: "Secret", namespace: s.metadata.namespace, name: s.metadata.name };
    if (!(await ctx.client.delete(ref, s.metadata.uid))) continue; // gone already, or re-created (another uid)
    removed++;
    ctx.logger.info({ action: "deleted", kind: "Secret", namespace: s.metadata.namespace, child: s.metadata.name }, `deleted orphan Secret ${s.metadata.name}: its Discourse ${s.metadata.labels?.[LABEL_INSTANCE] ?? ""} does not exist`);
  }
  return removed;
}
