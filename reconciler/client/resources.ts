/**
 * The kinds the reconciler reads and writes, with the REST facts needed to
 * build their URLs (https://kubernetes.io/docs/reference/using-api/api-concepts/#resource-uris)
 * without a discovery round trip.
 */
import { API_VERSION, KIND, PLURAL } from "../../src/api/constants.js";
import { OWNED_KINDS } from "../builders/owned-kinds.js";

export interface ResourceType {
  apiVersion: string;
  kind: string;
  /** Lower-case plural used in the URL. */
  plural: string;
  namespaced: boolean;
}

const TYPES: ResourceType[] = [
  { apiVersion: API_VERSION, kind: KIND, plural: PLURAL, namespaced: true },
  // every child kind, from the one list the builders and informers use (all namespaced)
  ...OWNED_KINDS.map((k) => ({ apiVersion: k.apiVersion, kind: k.kind, plural: k.plural, namespaced: true })),
  { apiVersion: "v1", kind: "Event", plural: "events", namespaced: true },
  { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", plural: "clusterroles", namespaced: false },
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
