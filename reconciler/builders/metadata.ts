/**
 * The one place that names children and gives them their labels and owner
 * reference (API.md, "What the reconciler creates"; CloudNativePG
 * pkg/specs keeps the same concern in one helper).
 */
import type { V1ObjectMeta, V1OwnerReference } from "@kubernetes/client-node";
import {
  API_VERSION,
  KIND,
  LABEL_COMPONENT,
  LABEL_INSTANCE,
  LABEL_MANAGED_BY,
  LABEL_NAME,
  MANAGED_BY,
} from "../../src/api/constants.js";
import type { DefaultedDiscourse } from "../../src/api/types.js";

/** Value of `app.kubernetes.io/name` on every child. */
export const APP_NAME = "discourse";

/**
 * Values of `app.kubernetes.io/component`. The contract fixes web, sidekiq, redis,
 * postgresql, migrations, db-init, backup and restore; the web Service, Ingress/Route and PDB belong to
 * `web`, the PostgreSQL init ConfigMap to `postgresql`.
 */
export const COMPONENTS = {
  database: "database",
  config: "config",
  web: "web",
  sidekiq: "sidekiq",
  uploads: "uploads",
  redis: "redis",
  postgresql: "postgresql",
  migrations: "migrations",
  dbInit: "db-init",
  backend: "backend",
  appSecrets: "app-secrets",
  backup: "backup",
  restore: "restore",
  backupCleanup: "backup-cleanup",
} as const;
export type Component = (typeof COMPONENTS)[keyof typeof COMPONENTS];

/** The identity every child needs from its owner: name, namespace and uid. */
export interface OwnerIdentity {
  name: string;
  namespace: string;
  uid: string;
}

/**
 * Reads name, namespace and uid of the Discourse.
 * @throws Error when one of them is missing: the object did not come from the API server.
 */
export function ownerIdentity(obj: DefaultedDiscourse): OwnerIdentity {
  const { name, namespace, uid } = obj.metadata;
  if (!name || !namespace || !uid) {
    throw new Error("Discourse metadata needs name, namespace and uid to build children");
  }
  return { name, namespace, uid };
}

/**
 * Name of a child: `<metadata.name>-<suffix>`, or `<metadata.name>` for an empty suffix
 * (the Ingress or Route).
 */
export function childName(obj: DefaultedDiscourse, suffix: string): string {
  const { name } = ownerIdentity(obj);
  return suffix === "" ? name : `${name}-${suffix}`;
}

/**
 * Labels that select the pods of one component of one instance:
 * `app.kubernetes.io/{name,instance,component}`. Deployment and StatefulSet selectors are
 * immutable, so this set never grows.
 */
export function selectorLabels(obj: DefaultedDiscourse, component: Component): Record<string, string> {
  return { ...instanceLabels(obj), [LABEL_COMPONENT]: component };
}

/** Labels shared by every pod of one instance: `app.kubernetes.io/{name,instance}`. */
export function instanceLabels(obj: DefaultedDiscourse): Record<string, string> {
  return { [LABEL_NAME]: APP_NAME, [LABEL_INSTANCE]: ownerIdentity(obj).name };
}

/** The four recommended labels of every child (and of pod templates). */
export function childLabels(obj: DefaultedDiscourse, component: Component): Record<string, string> {
  return { ...selectorLabels(obj, component), [LABEL_MANAGED_BY]: MANAGED_BY };
}

/**
 * Owner reference to the Discourse, `controller: true` so that only one controller owns
 * the child, `blockOwnerDeletion: true` so foreground deletion waits for it
 * (https://kubernetes.io/docs/concepts/overview/working-with-objects/owners-dependents/).
 */
export function ownerReference(obj: DefaultedDiscourse): V1OwnerReference {
  const { name, uid } = ownerIdentity(obj);
  return { apiVersion: API_VERSION, kind: KIND, name, uid, controller: true, blockOwnerDeletion: true };
}

/**
 * Metadata of a child: name, namespace of the Discourse, the recommended labels and the
 * controller owner reference. Fresh objects on every call, safe to extend.
 */
export function childMeta(obj: DefaultedDiscourse, component: Component, name: string): V1ObjectMeta {
  return {
    name,
    namespace: ownerIdentity(obj).namespace,
    labels: childLabels(obj, component),
    ownerReferences: [ownerReference(obj)],
  };
}

/**
 * Metadata of a child that `deletionPolicy: Retain` keeps (claims, the operator's Secrets):
 * the recommended labels always, the controller owner reference only under `Delete`.
 * While the policy is `Retain` the child has no owner reference at all, so no cascade of
 * the Discourse (background, foreground or orphan) lets the garbage collector take it;
 * the reconciler finds it by its labels (docs/deletion.md).
 */
export function retainableMeta(obj: DefaultedDiscourse, component: Component, name: string): V1ObjectMeta {
  const meta = childMeta(obj, component, name);
  if (obj.spec.deletionPolicy !== "Delete") delete meta.ownerReferences;
  return meta;
}
