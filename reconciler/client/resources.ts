/**
 * The kinds the reconciler reads and writes, with the REST facts needed to
 * build their URLs (https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-uris)
 * without a discovery round trip.
 */
import { API_VERSION, KIND, PLURAL } from "../../src/api/constants.js";

export interface ResourceType {
  apiVersion: string;
  kind: string;
  /** Lower-case plural used in the URL. */
  plural: string;
  namespaced: boolean;
}

const TYPES: ResourceType[] = [
  { apiVersion: API_VERSION, kind: KIND, plural: PLURAL, namespaced: true },
  { apiVersion: "v1", kind: "Secret", plural: "secrets", namespaced: true },
  { apiVersion: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true },
  { apiVersion: "v1", kind: "Service", plural: "services", namespaced: true },
  { apiVersion: "v1", kind: "PersistentVolumeClaim", plural: "persistentvolumeclaims", namespaced: true },
  { apiVersion: "v1", kind: "Event", plural: "events", namespaced: true },
  { apiVersion: "apps/v1", kind: "Deployment", plural: "deployments", namespaced: true },
  { apiVersion: "apps/v1", kind: "StatefulSet", plural: "statefulsets", namespaced: true },
  { apiVersion: "batch/v1", kind: "Job", plural: "jobs", namespaced: true },
  { apiVersion: "policy/v1", kind: "PodDisruptionBudget", plural: "poddisruptionbudgets", namespaced: true },
  { apiVersion: "networking.k8s.io/v1", kind: "Ingress", plural: "ingresses", namespaced: true },
  { apiVersion: "networking.k8s.io/v1", kind: "NetworkPolicy", plural: "networkpolicies", namespaced: true },
  { apiVersion: "route.openshift.io/v1", kind: "Route", plural: "routes", namespaced: true },
  { apiVersion: "v1", kind: "ServiceAccount", plural: "serviceaccounts", namespaced: true },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "RoleBinding", plural: "rolebindings", namespaced: true },
  { apiVersion: "coordination.k8s.io/v1", kind: "Lease", plural: "leases", namespaced: true },
  { apiVersion: "v1", kind: "Namespace", plural: "namespaces", namespaced: false },
  { apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition", plural: "customresourcedefinitions", namespaced: false },
  { apiVersion: "admissionregistration.k8s.io/v1", kind: "ValidatingWebhookConfiguration", plural: "validatingwebhookconfigurations", namespaced: false },
  { apiVersion: "admissionregistration.k8s.io/v1", kind: "MutatingWebhookConfiguration", plural: "mutatingwebhookconfigurations", namespaced: false },
];

/**
 * @returns the REST facts of `apiVersion`/`kind`.
 * @throws Error for a kind the operator does not handle.
 */
export function resourceType(apiVersion: string, kind: string): ResourceType {
  const t = TYPES.find((r) => r.apiVersion === apiVersion && r.kind === kind);
  if (!t) throw new Error(`unknown resource type ${apiVersion} ${kind}`);
  return t;
}

/**
 * URL path of a collection (`name` absent) or of one object.
 * @param namespace - absent for a cluster-wide list of a namespaced kind.
 */
export function resourcePath(t: ResourceType, namespace?: string, name?: string, subresource?: string): string {
  const root = t.apiVersion.includes("/") ? `/apis/${t.apiVersion}` : `/api/${t.apiVersion}`;
  const ns = t.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  const obj = name ? `/${encodeURIComponent(name)}` : "";
  const sub = name && subresource ? `/${subresource}` : "";
  return `${root}${ns}/${t.plural}${obj}${sub}`;
}
