/**
 * OpenShift only: the ServiceAccount `<name>-discourse` of the Discourse pods (web,
 * sidekiq, the migration Job) and the RoleBinding `<name>-discourse-scc` that lets it use
 * the `nonroot-v2` SCC, through the ClusterRole OpenShift ships for each default SCC
 * (`system:openshift:scc:nonroot-v2`,
 * https://docs.openshift.com/container-platform/latest/authentication/managing-security-context-constraints.html).
 *
 * Why: the Discourse image must run as uid 1000 (security.ts), and `restricted-v2` only
 * admits uids of the namespace's range. `nonroot-v2` admits any non-root uid and otherwise
 * asks what `restricted-v2` asks (no privilege escalation, every capability dropped,
 * seccomp RuntimeDefault). PostgreSQL and Redis need no grant: they run under
 * `restricted-v2` with an assigned uid. Elsewhere both objects must not exist (null).
 */
import type { V1ObjectMeta, V1ServiceAccount } from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { childMeta, COMPONENTS } from "./metadata.js";
import { discourseServiceAccountName, sccRoleBindingName } from "./names.js";
import type { BuildOptions } from "./options.js";
import { isOpenShift } from "./platform.js";

/** The SCC the Discourse pods are admitted under on OpenShift. */
export const DISCOURSE_SCC = "nonroot-v2";
/** The ClusterRole granting `use` of DISCOURSE_SCC. */
export const DISCOURSE_SCC_CLUSTER_ROLE = `system:openshift:scc:${DISCOURSE_SCC}`;

/** rbac.authorization.k8s.io/v1 RoleBinding as sent on the wire. */
export interface RoleBinding {
  apiVersion: "rbac.authorization.k8s.io/v1";
  kind: "RoleBinding";
  metadata: V1ObjectMeta;
  roleRef: { apiGroup: "rbac.authorization.k8s.io"; kind: "ClusterRole"; name: string };
  subjects: { kind: "ServiceAccount"; name: string; namespace: string }[];
}

/** The ServiceAccount of the Discourse pods on OpenShift (no token mounted), else null. */
export function buildDiscourseServiceAccount(obj: DefaultedDiscourse, opts: BuildOptions = {}): V1ServiceAccount | null {
  if (!isOpenShift(obj, opts)) return null;
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: childMeta(obj, COMPONENTS.web, discourseServiceAccountName(obj)),
    automountServiceAccountToken: false,
  };
}

/** The RoleBinding of that ServiceAccount to DISCOURSE_SCC_CLUSTER_ROLE on OpenShift, else null. */
export function buildSccRoleBinding(obj: DefaultedDiscourse, opts: BuildOptions = {}): RoleBinding | null {
  if (!isOpenShift(obj, opts)) return null;
  const metadata = childMeta(obj, COMPONENTS.web, sccRoleBindingName(obj));
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata,
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: DISCOURSE_SCC_CLUSTER_ROLE },
    subjects: [{ kind: "ServiceAccount", name: discourseServiceAccountName(obj), namespace: metadata.namespace ?? "" }],
  };
}
