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
import { buildAppSecretsAdoption, buildCredentialsSecretAdoption, credentialsSecretName, type SecretAdoption } from "./credentials-secret.js";
import { buildDatabaseClaimResize, buildRedisClaimResize, type ClaimResize } from "./database-claim.js";
import { buildDbInitJob } from "./db-init-job.js";
import { envConfig } from "./env-configmap.js";
import { buildIngress } from "./ingress.js";
import { buildMigrateJob } from "./migrate-job.js";
import { codeAnnotations, specCode, withCode } from "./app-code.js";
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
  /**
   * The desired object, or null: the child must not exist (delete it when present).
   * `patchIfExists` entries are never null: when there is nothing to patch (the database
   * claim of an external database) the entry is left out, so nothing is ever deleted
   * for it.
   */
  object: (ChildObject & KubernetesObject) | null;
}

type Entry = [apiVersion: string, kind: string, name: string, mode: ApplyMode, object: ChildObject | null];

/**
 * The migration Job the plan wants (created once, never updated), and a null entry (delete)
 * for each stale migration Job. Without a wanted Job there is no entry: a Job that exists
 * is left alone.
 */
function migrationJobs(obj: DefaultedDiscourse, opts: BuildOptions): Entry[] {
  const wanted: Entry[] = [];
  if (opts.migration) {
    const job = opts.migrationJob ?? buildMigrateJob(obj, opts.migration, opts);
    wanted.push(["batch/v1", "Job", job.metadata?.name ?? "", "create", job]);
  }
  return [...wanted, ...(opts.staleMigrationJobs ?? []).map((name): Entry => ["batch/v1", "Job", name, "create", null])];
}

/**
 * Web and sidekiq, built from the Discourse with the served code in place of the spec's
 * (`opts.served`, see options.ts). Until that code's pre-deployment migration succeeded
 * they have 0 replicas (no Discourse process starts on a database not migrated for it) and
 * no code annotations; after, their replicas come from the spec and their metadata records
 * the code (app-code.ts).
 */
function workloads(obj: DefaultedDiscourse, opts: BuildOptions): Entry[] {
  const served = opts.served ?? { code: specCode(obj), migrated: true };
  const app = withCode(obj, served.code);
  const input = served.migrated ? app : { ...app, spec: { ...app.spec, replicas: 0, sidekiq: { ...app.spec.sidekiq, replicas: 0 } } };
  const web = buildWebDeployment(input, opts);
  const sidekiq = buildSidekiqDeployment(input, opts);
  if (served.migrated) {
    for (const d of [web, sidekiq]) d.metadata = { ...d.metadata, annotations: { ...d.metadata?.annotations, ...codeAnnotations(served.code) } };
  }
  return [
    ["apps/v1", "Deployment", N.webName(obj), "apply", web],
    ["apps/v1", "Deployment", N.sidekiqName(obj), "apply", sidekiq],
  ];
}

/**
 * Every child of the Discourse, in apply order. The env ConfigMap is built once here (or
 * taken from `options.env`) and passed to the builders that hash it.
 */
export function buildAll(obj: DefaultedDiscourse, options: BuildOptions = {}): DesiredChild[] {
  const env = options.env ?? envConfig(obj);
  const opts: BuildOptions = { ...options, env };
  const entries: Entry[] = [
    // config
    ["v1", "Secret", credentialsSecretName(obj), "patchIfExists", buildCredentialsSecretAdoption(obj)],
    ["v1", "Secret", N.appSecretsName(obj), "patchIfExists", buildAppSecretsAdoption(obj)],
    ["v1", "ConfigMap", N.envConfigMapName(obj), "apply", env.configMap],
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
    ...migrationJobs(obj, opts),
    // workloads
    ...workloads(obj, opts),
    // services
    ["v1", "Service", N.webName(obj), "apply", buildWebService(obj)],
    // exposure
    ["networking.k8s.io/v1", "Ingress", N.exposureName(obj), "apply", buildIngress(obj)],
    ["route.openshift.io/v1", "Route", N.exposureName(obj), "apply", buildRoute(obj)],
    // policies
    ["policy/v1", "PodDisruptionBudget", N.webName(obj), "apply", buildPodDisruptionBudget(obj)],
    ["networking.k8s.io/v1", "NetworkPolicy", N.backendPolicyName(obj), "apply", buildNetworkPolicy(obj)],
  ];
  return entries
    .filter(([, , , mode, object]) => mode !== "patchIfExists" || object !== null)
    .map(([apiVersion, kind, name, mode, object]) => ({ apiVersion, kind, name, mode, object }));
}

export * from "./names.js";
export { childMeta, childName, selectorLabels, ownerReference, COMPONENTS } from "./metadata.js";
export { CONFIG_HASH_ANNOTATION } from "./web-deployment.js";
export { REVISION_LABEL, STAGE_LABEL, VERSION_LABEL, type MigrationStage } from "./migrate-job.js";
export * from "./app-code.js";
