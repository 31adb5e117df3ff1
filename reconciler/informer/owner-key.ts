/**
 * Maps a child's event to the Discourse to reconcile: its ownerReference of
 * kind Discourse, or, for children nobody owns (the database claim made by the
 * StatefulSet controller, a credentials Secret before adoption), its
 * `app.kubernetes.io/instance` label.
 */
import { GROUP, KIND, LABEL_INSTANCE } from "../../src/api/constants.js";
import type { KubeObject } from "../client/kube-client.js";
import { objectKey } from "./object-cache.js";

/** @returns the work-queue keys (`namespace/name`) of the owners; empty for none. */
export function ownerKeys(child: KubeObject): string[] {
  const ns = child.metadata.namespace;
  const owners = (child.metadata.ownerReferences ?? []).filter((r) => r.kind === KIND && r.apiVersion.startsWith(`${GROUP}/`));
  if (owners.length > 0) return owners.map((r) => objectKey(ns, r.name));
  const instance = child.metadata.labels?.[LABEL_INSTANCE];
  return instance ? [objectKey(ns, instance)] : [];
}

/**
 * Whether a Discourse update needs a reconcile: its generation (spec), deletion, finalizers,
 * labels or annotations changed. Status-only updates (the reconciler's own writes) do not.
 */
export function discourseChanged(obj: KubeObject, old: KubeObject | undefined): boolean {
  if (!old) return true;
  const a = obj.metadata;
  const b = old.metadata;
  if (a.generation !== b.generation || a.deletionTimestamp !== b.deletionTimestamp) return true;
  return JSON.stringify([a.finalizers, a.labels, a.annotations]) !== JSON.stringify([b.finalizers, b.labels, b.annotations]);
}
