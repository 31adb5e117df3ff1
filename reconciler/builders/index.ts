/**
 * The desired state of one forum: every child of API.md's table, in the order it should
 * be applied (config, storage, backends, migrations, web, sidekiq, services, exposure,
 * policies). The runtime applies non-null objects and deletes the null ones (when they
 * exist), following each entry's `mode`. Pure and deterministic: the same Discourse and
 * options give deep-equal results, so an unchanged forum needs zero writes.
 */
import type {
  KubernetesObject,
  V1ConfigMap,
  V1Deployment,
  V1Ingress,
  V1Job,
  V1PersistentVolumeClaim,
  V1PodDisruptionBudget,
  V1Service,
  V1ServiceAccount,
  V1StatefulSet,
} from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { buildCredentialsSecretAdoption, credentialsSecretName, type SecretAdoption } from "./credentials-secret.js";
import { buildDatabaseClaimResize, buildRedisClaimResize, type ClaimResize } from "./database-claim.js";
import { buildDbInitJob } from "./db-init-job.js";
import { buildEnvConfigMap } from "./env-configmap.js";
import { buildIngress } from "./ingress.js";
import { buildMigrateJob } from "./migrate-job.js";
import * as N from "./names.js";
import { buildNetworkPolicy, type NetworkPolicy } from "./network-policy.js";
import type { BuildOptions } from "./options.js";
import { buildPodDisruptionBudget } from "./pod-disruption-budget.js";
import { buildPostgresqlInitConfigMap } from "./postgresql-init-configmap.js";
import { buildPostgresqlService } from "./postgresql-service.js";
import { buildPostgresqlStatefulSet } from "./postgresql-statefulset.js";
import { buildRedisService } from "./redis-service.js";
import { buildRedisStatefulSet } from "./redis-statefulset.js";
import { buildRoute, type Route } from "./route.js";
import { buildDiscourseServiceAccount, buildSccRoleBinding, type RoleBinding } from "./scc-role-binding.js";
import { buildSidekiqDeployment } from "./sidekiq-deployment.js";
import { buildUploadsPvc } from "./uploads-pvc.js";
import { buildWebDeployment } from "./web-deployment.js";
import { buildWebService } from "./web-service.js";

export type { BuildOptions } from "./options.js";
export { OWNED_KINDS, OWNED_LABEL_SELECTOR, type OwnedKind } from "./owned-kinds.js";

/** Every object a builder can return. */
export type ChildObject =
  | SecretAdoption
  | ClaimResize
  | V1ConfigMap
  | V1PersistentVolumeClaim
  | V1StatefulSet
  | V1Service
  | V1Deployment
  | V1Job
  | V1Ingress
  | Route
  | V1PodDisruptionBudget
  | NetworkPolicy
  | V1ServiceAccount
  | RoleBinding;

/**
 * How the runtime writes an entry:
 * - `apply`: server-side apply when absent or drifted.
 * - `create`: create when absent, never update (Jobs: the pod template is immutable).
 * - `patchIfExists`: server-side apply only when the object exists, never create
 *   (adopting the credentials Secret; growing the database claim).
 */
export type ApplyMode = "apply" | "create" | "patchIfExists";

export interface DesiredChild {
  apiVersion: string;
  kind: string;
  name: string;
  mode: ApplyMode;
  /** Released (owner reference removed, labelled retained) rather than deleted under `deletionPolicy: Retain`. */
  retainable: boolean;
  /**
   * The desired object, or null: the child must not exist (delete it when present).
   * `patchIfExists` entries are never null: when there is nothing to patch (the database
   * claim of an external database) the entry is left out, so nothing is ever deleted
   * for it.
   */
  object: (ChildObject & KubernetesObject) | null;
}

type Entry = [apiVersion: string, kind: string, name: string, mode: ApplyMode, object: ChildObject | null];

/** Every child of the Discourse, in apply order. */
export function buildAll(obj: DefaultedDiscourse, opts: BuildOptions = {}): DesiredChild[] {
  const entries: Entry[] = [
    // config
    ["v1", "Secret", credentialsSecretName(obj), "patchIfExists", buildCredentialsSecretAdoption(obj)],
    ["v1", "ConfigMap", N.envConfigMapName(obj), "apply", buildEnvConfigMap(obj)],
    ["v1", "ConfigMap", N.postgresqlInitName(obj), "apply", buildPostgresqlInitConfigMap(obj)],
    // identity (OpenShift: the SCC the Discourse pods need)
    ["v1", "ServiceAccount", N.discourseServiceAccountName(obj), "apply", buildDiscourseServiceAccount(obj, opts)],
    ["rbac.authorization.k8s.io/v1", "RoleBinding", N.sccRoleBindingName(obj), "apply", buildSccRoleBinding(obj, opts)],
    // storage
    ["v1", "PersistentVolumeClaim", N.uploadsClaimName(obj), "apply", buildUploadsPvc(obj)],
    ["v1", "PersistentVolumeClaim", N.databaseClaimName(obj), "patchIfExists", buildDatabaseClaimResize(obj)],
    ["v1", "PersistentVolumeClaim", N.redisClaimName(obj), "patchIfExists", buildRedisClaimResize(obj)],
    // backends
    ["apps/v1", "StatefulSet", N.postgresqlName(obj), "apply", buildPostgresqlStatefulSet(obj, opts)],
    ["v1", "Service", N.postgresqlName(obj), "apply", buildPostgresqlService(obj)],
    // the managed Redis was a Deployment before it kept its data: that one must not exist
    ["apps/v1", "Deployment", N.redisName(obj), "apply", null],
    ["apps/v1", "StatefulSet", N.redisName(obj), "apply", buildRedisStatefulSet(obj, opts)],
    ["v1", "Service", N.redisName(obj), "apply", buildRedisService(obj)],
    // migrations
    ["batch/v1", "Job", N.dbInitJobName(obj), "create", buildDbInitJob(obj, opts)],
    ["batch/v1", "Job", N.migrateJobName(obj), "create", buildMigrateJob(obj, opts)],
    // workloads
    ["apps/v1", "Deployment", N.webName(obj), "apply", buildWebDeployment(obj, opts)],
    ["apps/v1", "Deployment", N.sidekiqName(obj), "apply", buildSidekiqDeployment(obj, opts)],
    // services
    ["v1", "Service", N.webName(obj), "apply", buildWebService(obj)],
    // exposure
    ["networking.k8s.io/v1", "Ingress", N.exposureName(obj), "apply", buildIngress(obj)],
    ["route.openshift.io/v1", "Route", N.exposureName(obj), "apply", buildRoute(obj)],
    // policies
    ["policy/v1", "PodDisruptionBudget", N.webName(obj), "apply", buildPodDisruptionBudget(obj)],
    ["networking.k8s.io/v1", "NetworkPolicy", N.backendPolicyName(obj), "apply", buildNetworkPolicy(obj)],
  ];
  const retainable = new Set([
    credentialsSecretName(obj),
    N.uploadsClaimName(obj),
    N.databaseClaimName(obj),
    N.redisClaimName(obj),
  ]);
  return entries
    .filter(([, , , mode, object]) => mode !== "patchIfExists" || object !== null)
    .map(([apiVersion, kind, name, mode, object]) => ({
      apiVersion,
      kind,
      name,
      mode,
      retainable: (kind === "Secret" || kind === "PersistentVolumeClaim") && retainable.has(name),
      object,
    }));
}

export * from "./names.js";
export { childMeta, childName, selectorLabels, ownerReference, COMPONENTS } from "./metadata.js";
export { CONFIG_HASH_ANNOTATION } from "./web-deployment.js";
export { VERSION_LABEL } from "./migrate-job.js";
