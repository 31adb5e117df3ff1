/**
 * Every call the reconciler makes to the API server, as (kind, verbs), and
 * why: the one source of its RBAC. The reconciler's KubeClients are built with
 * this table and refuse (throw) any call outside it, so the code cannot use a
 * verb the table lacks; test/unit/manifests/rbac-calls.test.ts checks that the
 * ClusterRole (and the Roles of the namespaced install) grant exactly the table,
 * both ways. A verb in the table that the code stopped using is the reviewer's
 * to catch: each entry says which code sends it.
 *
 * Verbs as the API server authorizes them
 * (https://kubernetes.io/docs/reference/access-authn-authz/authorization/#determine-the-request-verb):
 * GET of one object `get`, of a collection `list`, `?watch` `watch`, POST `create`,
 * PUT `update`, PATCH `patch`, DELETE `delete`; a server-side apply PATCH of an
 * object that does not exist yet is also authorized as `create`.
 */
import { API_VERSION, KIND } from "../../src/api/constants.js";
import { OWNED_KINDS } from "../builders/owned-kinds.js";
import { DISCOURSE_SCC_CLUSTER_ROLE } from "../builders/scc-role-binding.js";
import { resourceType } from "./resources.js";

export type Verb = "get" | "list" | "watch" | "create" | "update" | "patch" | "delete" | "bind";

export interface ApiCall {
  apiVersion: string;
  kind: string;
  subresource?: string;
  /** Only these objects (RBAC resourceNames). */
  resourceNames?: readonly string[];
  verbs: readonly Verb[];
  /**
   * `forums`: in the namespaces the reconciler watches (a ClusterRole, or a Role per
   * namespace in the namespaced install); `operator`: in the operator's own namespace.
   */
  scope: "forums" | "operator";
  /** Which code sends it. */
  why: string;
  /** Not a request the code sends, but one the API server checks on its behalf (named in `why`). */
  impliedBy?: string;
}

/** Children: watched by informers, written by server-side apply, deleted when no longer wanted. */
const CHILD_VERBS: readonly Verb[] = ["list", "watch", "create", "patch", "delete"];
/** Children also read by name: when the informer cannot answer (a Secret the operator did not make, claims to grow, Routes when not watched). */
const READ_BY_NAME = new Set(["Secret", "PersistentVolumeClaim", "Route"]);

const children: ApiCall[] = OWNED_KINDS.map((k) => ({
  apiVersion: k.apiVersion,
  kind: k.kind,
  verbs: READ_BY_NAME.has(k.kind) ? ["get", ...CHILD_VERBS] : CHILD_VERBS,
  scope: "forums",
  why:
    k.kind === "Secret"
      ? "informer; steps/secrets.ts reads the named Secret, creates credentials and app-secrets, applies the adoption; finalize and the orphan sweep patch or delete"
      : "informer (list, watch); apply/apply-child.ts server-side apply (patch, create when absent) and delete; finalize.ts lists, patches and deletes claims",
}));

/** See the file comment. */
export const RECONCILER_API_CALLS: readonly ApiCall[] = [
  { apiVersion: API_VERSION, kind: KIND, verbs: ["get", "list", "watch", "patch"], scope: "forums", why: "informer; steps/finalizer.ts merge patch; steps/orphan-secrets.ts reads the forum before deleting a Secret" },
  { apiVersion: API_VERSION, kind: KIND, subresource: "status", verbs: ["patch"], scope: "forums", why: "steps/write-status.ts merge patch" },
  {
    apiVersion: API_VERSION,
    kind: KIND,
    subresource: "finalizers",
    verbs: ["update"],
    scope: "forums",
    why: "owner references with blockOwnerDeletion on children need update on the owner's finalizers",
    impliedBy: "OwnerReferencesPermissionEnforcement admission plugin",
  },
  ...children,
  {
    apiVersion: "route.openshift.io/v1",
    kind: "Route",
    subresource: "custom-host",
    verbs: ["create"],
    scope: "forums",
    why: "a Route with spec.host",
    impliedBy: "OpenShift's route admission",
  },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    resourceNames: [DISCOURSE_SCC_CLUSTER_ROLE],
    verbs: ["bind"],
    scope: "forums",
    why: "OpenShift: the RoleBinding of builders/scc-role-binding.ts refers to this ClusterRole; binding it needs its permissions or bind on it",
    impliedBy: "RBAC escalation check on RoleBinding writes",
  },
  { apiVersion: "v1", kind: "Event", verbs: ["create", "patch"], scope: "forums", why: "events/event-recorder.ts creates an Event, patches its count on repeats" },
  { apiVersion: "coordination.k8s.io/v1", kind: "Lease", verbs: ["get", "create", "update"], scope: "operator", why: "leader/leader-elector.ts reads, creates and replaces its Lease" },
];

/** The RBAC group and resource of a call (`discourses/status`). */
export function groupResource(call: Pick<ApiCall, "apiVersion" | "kind" | "subresource">): { group: string; resource: string } {
  const t = resourceType(call.apiVersion, call.kind);
  const group = call.apiVersion.includes("/") ? (call.apiVersion.split("/")[0] ?? "") : "";
  return { group, resource: call.subresource ? `${t.plural}/${call.subresource}` : t.plural };
}

/** Whether `calls` has `verb` on apiVersion/kind(/subresource). */
export function allows(calls: readonly ApiCall[], verb: Verb, apiVersion: string, kind: string, subresource?: string): boolean {
  return calls.some((c) => c.apiVersion === apiVersion && c.kind === kind && c.subresource === subresource && c.verbs.includes(verb));
}

/** Thrown by a KubeClient built with a table when the code makes a call outside it. */
export class UndeclaredCallError extends Error {
  constructor(verb: Verb, apiVersion: string, kind: string, subresource?: string) {
    super(`${verb} ${apiVersion} ${kind}${subresource ? `/${subresource}` : ""} is not in RECONCILER_API_CALLS (reconciler/client/api-calls.ts): declare it and grant it in manifests/rbac`);
    this.name = "UndeclaredCallError";
  }
}
