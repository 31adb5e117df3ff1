/**
 * Adding and removing the finalizer `discourse.cern/finalizer`
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/finalizers/).
 * Patches carry the resourceVersion they were computed from, so a concurrent
 * change makes them fail (409) and the key is retried.
 */
import { FINALIZER } from "../../src/api/constants.js";
import type { KubeObject } from "../client/kube-client.js";
import type { ReconcileContext } from "./context.js";

async function setFinalizers(ctx: ReconcileContext, obj: KubeObject, finalizers: string[]): Promise<KubeObject> {
  const ref = { apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name };
  const stored = await ctx.client.mergePatch(ref, { metadata: { finalizers, resourceVersion: obj.metadata.resourceVersion } });
  const full = { ...stored, apiVersion: obj.apiVersion, kind: obj.kind };
  ctx.discourses.setIfNewer(full);
  return full;
}

/** Whether `obj` holds the operator's finalizer (it has been reconciled before). */
export function holdsFinalizer(obj: KubeObject): boolean {
  return (obj.metadata.finalizers ?? []).includes(FINALIZER);
}

/** Adds the finalizer when missing (one write the first time, none after). @returns the current object. */
export async function ensureFinalizer(ctx: ReconcileContext, obj: KubeObject): Promise<KubeObject> {
  const current = obj.metadata.finalizers ?? [];
  if (holdsFinalizer(obj)) return obj;
  return setFinalizers(ctx, obj, [...current, FINALIZER]);
}

/** Removes the finalizer; the API server then deletes the object. */
export async function removeFinalizer(ctx: ReconcileContext, obj: KubeObject): Promise<void> {
  const current = obj.metadata.finalizers ?? [];
  if (!current.includes(FINALIZER)) return;
  await setFinalizers(ctx, obj, current.filter((f) => f !== FINALIZER));
}
