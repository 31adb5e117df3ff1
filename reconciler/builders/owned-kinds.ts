/** The kinds of children, as the runtime must watch them (informers) and address them (API paths). */
import { LABEL_MANAGED_BY, MANAGED_BY } from "../../src/api/constants.js";

export interface OwnedKind {
  /** `v1`, `apps/v1`, … */
  apiVersion: string;
  kind: string;
  /** Resource name in the API path (`/apis/<group>/<version>/namespaces/<ns>/<plural>`). */
  plural: string;
  /** Only served on some clusters (OpenShift Routes): watch it only when discovery lists it. */
  optional: boolean;
}

/** Every kind the builders produce, each listed once. All are namespaced. */
export const OWNED_KINDS: readonly OwnedKind[] = [
  { apiVersion: "v1", kind: "Secret", plural: "secrets", optional: false },
  { apiVersion: "v1", kind: "ConfigMap", plural: "configmaps", optional: false },
  { apiVersion: "v1", kind: "PersistentVolumeClaim", plural: "persistentvolumeclaims", optional: false },
  { apiVersion: "v1", kind: "Service", plural: "services", optional: false },
  { apiVersion: "apps/v1", kind: "Deployment", plural: "deployments", optional: false },
  { apiVersion: "apps/v1", kind: "StatefulSet", plural: "statefulsets", optional: false },
  { apiVersion: "batch/v1", kind: "Job", plural: "jobs", optional: false },
  { apiVersion: "networking.k8s.io/v1", kind: "Ingress", plural: "ingresses", optional: false },
  { apiVersion: "route.openshift.io/v1", kind: "Route", plural: "routes", optional: true },
  { apiVersion: "policy/v1", kind: "PodDisruptionBudget", plural: "poddisruptionbudgets", optional: false },
  { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", plural: "networkpolicies", optional: false },
  { apiVersion: "v1", kind: "ServiceAccount", plural: "serviceaccounts", optional: false },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", plural: "rolebindings", optional: false },
];

/**
 * Label selector matching every child (all carry `app.kubernetes.io/managed-by`), for the
 * informers of OWNED_KINDS. Map a child to its Discourse by its controller ownerReference
 * (or, for the unowned database claim, `app.kubernetes.io/instance`).
 */
export const OWNED_LABEL_SELECTOR = `${LABEL_MANAGED_BY}=${MANAGED_BY}`;
