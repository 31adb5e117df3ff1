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
  if (old === obj) return false;
  const a = obj.metadata;
  const b = old.metadata;
  if (a.generation !== b.generation || a.deletionTimestamp !== b.deletionTimestamp) return true;
  return JSON.stringify([a.finalizers, a.labels, a.annotations]) !== JSON.stringify([b.finalizers, b.labels, b.annotations]);
}

interface StatusView {
  replicas?: unknown;
  availableReplicas?: unknown;
  readyReplicas?: unknown;
  updatedReplicas?: unknown;
  observedGeneration?: unknown;
  succeeded?: unknown;
  failed?: unknown;
  phase?: unknown;
  conditions?: Array<{ type?: unknown; status?: unknown }>;
}

/**
 * The part of a child's status the reconciler reads: replicas, available, ready and
 * updated replicas and observedGeneration (Deployment, StatefulSet: a rollout is
 * complete when the last old pod is gone, which the post-deployment migration waits for), succeeded/failed and
 * conditions (Jobs), phase (claims, which grow only once Bound). Timestamps are
 * left out, so a controller's heartbeat on a condition is no change.
 */
function statusView(obj: KubeObject): string {
  const s = ((obj as { status?: StatusView }).status ?? {});
  const conditions = (s.conditions ?? []).map((c) => [c.type, c.status]);
  return JSON.stringify([s.replicas, s.availableReplicas, s.readyReplicas, s.updatedReplicas, s.observedGeneration, s.succeeded, s.failed, s.phase, conditions]);
}

/** Everything but status and resourceVersion: spec, data and metadata a user (or drift) can change. */
function desiredView(obj: KubeObject): string {
  const { status: _status, metadata, ...rest } = obj as KubeObject & { status?: unknown };
  const { resourceVersion: _rv, ...meta } = metadata;
  return JSON.stringify([meta, rest]);
}

/**
 * Whether a child's update can change what the reconciler does or reports:
 * anything outside `status` (drift to correct), or a status field it reads.
 * Other status updates (a PodDisruptionBudget's counts, a Deployment's
 * condition heartbeats) do not enqueue the owner; adds and deletes always do.
 */
export function childChanged(obj: KubeObject, old: KubeObject | undefined): boolean {
  if (!old) return true;
  if (old === obj) return false;
  return statusView(obj) !== statusView(old) || desiredView(obj) !== desiredView(old);
}
