/**
 * Names of the children, fixed by API.md ("What the reconciler creates"). The runtime
 * uses these too (to delete a child whose builder returned null, to find the database
 * volume on deletion).
 */
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { childName } from "./metadata.js";

/** ConfigMap of non-secret settings: `<name>-env`. */
export const envConfigMapName = (obj: DefaultedDiscourse): string => childName(obj, "env");
/** Web Deployment, Service and PodDisruptionBudget: `<name>-web`. */
export const webName = (obj: DefaultedDiscourse): string => childName(obj, "web");
/** Sidekiq Deployment: `<name>-sidekiq`. */
export const sidekiqName = (obj: DefaultedDiscourse): string => childName(obj, "sidekiq");
/** Ingress or Route: `<name>`. */
export const exposureName = (obj: DefaultedDiscourse): string => childName(obj, "");
/** Uploads PersistentVolumeClaim: `<name>-uploads`. */
export const uploadsClaimName = (obj: DefaultedDiscourse): string => childName(obj, "uploads");
/** Managed Redis Deployment and Service: `<name>-redis`. */
export const redisName = (obj: DefaultedDiscourse): string => childName(obj, "redis");
/** Managed PostgreSQL StatefulSet and Service: `<name>-postgresql`. */
export const postgresqlName = (obj: DefaultedDiscourse): string => childName(obj, "postgresql");
/** ConfigMap with the managed PostgreSQL's init SQL: `<name>-postgresql-init`. */
export const postgresqlInitName = (obj: DefaultedDiscourse): string => childName(obj, "postgresql-init");
/** Name of the volume claim template of the managed PostgreSQL StatefulSet. */
export const POSTGRESQL_VOLUME = "data";
/**
 * The PVC the StatefulSet controller creates for the managed database:
 * `data-<name>-postgresql-0` (`<template>-<statefulset>-<ordinal>`,
 * https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#stable-storage).
 */
export const databaseClaimName = (obj: DefaultedDiscourse): string => `${POSTGRESQL_VOLUME}-${postgresqlName(obj)}-0`;
/** Secret with Discourse's `secret_key_base`: `<name>-app-secrets` (API.md, "Secrets"). */
export const appSecretsName = (obj: DefaultedDiscourse): string => childName(obj, "app-secrets");
/** Job creating role, database and extensions on an external server: `<name>-db-init`. */
export const dbInitJobName = (obj: DefaultedDiscourse): string => childName(obj, "db-init");
/** NetworkPolicy around the managed backends: `<name>-backend`. */
export const backendPolicyName = (obj: DefaultedDiscourse): string => childName(obj, "backend");

/**
 * Migration Job of one version: `<name>-migrate-<version>` with dots as dashes and lower
 * case, so `3.5.0-Beta.1` gives `<name>-migrate-3-5-0-beta-1` (a DNS label).
 */
export function migrateJobName(obj: DefaultedDiscourse, version: string = obj.spec.version): string {
  return childName(obj, `migrate-${version.toLowerCase().replace(/\./g, "-")}`);
}
