/**
 * StatefulSet `<name>-postgresql` (component `postgresql`): one PostgreSQL server of major
 * `spec.database.version` for one forum, only when `spec.database.host` is empty.
 *
 * - Role and database: POSTGRES_USER = `database.user`, POSTGRES_DB = `database.name`
 *   (the same spec fields the ConfigMap gives Discourse, so both always agree),
 *   POSTGRES_PASSWORD from key `password` of the credentials Secret.
 * - Data: volumeClaimTemplate `data` (`database.storage`). Images before 18 keep data in
 *   /var/lib/postgresql/data; the volume is mounted there and PGDATA is a subdirectory, so
 *   a file system's lost+found does not stop initdb. From 18 the image keeps data in
 *   /var/lib/postgresql/<major>/docker and the volume is mounted at /var/lib/postgresql.
 * - The claim follows `deletionPolicy` through persistentVolumeClaimRetentionPolicy:
 *   `Delete` lets the StatefulSet controller delete it with the StatefulSet, `Retain`
 *   leaves it (https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#persistentvolumeclaim-retention).
 * - Extensions: the `<name>-postgresql-init` ConfigMap at /docker-entrypoint-initdb.d.
 */
import type { V1Container, V1EnvVar, V1PersistentVolumeClaim, V1StatefulSet, V1VolumeMount } from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { credentialsSecretName } from "./credentials-secret.js";
import { POSTGRESQL_PORT } from "./env-configmap.js";
import { postgresImage } from "./images.js";
import { childLabels, childMeta, COMPONENTS, selectorLabels } from "./metadata.js";
import { POSTGRESQL_VOLUME, postgresqlInitName, postgresqlName } from "./names.js";
import type { BuildOptions } from "./options.js";
import { containerSecurityContext, podSecurityContext, POSTGRES_UID } from "./security.js";

/** Where the data volume is mounted and PGDATA (undefined: the image's default). */
export function postgresDataLayout(major: string): { mountPath: string; pgdata?: string } {
  return Number(major) >= 18
    ? { mountPath: "/var/lib/postgresql" }
    : { mountPath: "/var/lib/postgresql/data", pgdata: "/var/lib/postgresql/data/pgdata" };
}

function postgresEnv(obj: DefaultedDiscourse, pgdata: string | undefined): V1EnvVar[] {
  const db = obj.spec.database;
  const env: V1EnvVar[] = [
    { name: "POSTGRES_USER", value: db.user },
    { name: "POSTGRES_DB", value: db.name },
    { name: "POSTGRES_PASSWORD", valueFrom: { secretKeyRef: { name: credentialsSecretName(obj), key: "password" } } },
  ];
  if (pgdata !== undefined) env.push({ name: "PGDATA", value: pgdata });
  return env;
}

function postgresContainer(obj: DefaultedDiscourse): V1Container {
  const db = obj.spec.database;
  const layout = postgresDataLayout(db.version);
  const isReady = ["pg_isready", "-h", "127.0.0.1", "-p", String(POSTGRESQL_PORT), "-U", db.user, "-d", db.name];
  const mounts: V1VolumeMount[] = [
    { name: POSTGRESQL_VOLUME, mountPath: layout.mountPath },
    { name: "init", mountPath: "/docker-entrypoint-initdb.d", readOnly: true },
    { name: "shm", mountPath: "/dev/shm" },
  ];
  return {
    name: "postgresql",
    image: postgresImage(obj),
    imagePullPolicy: "IfNotPresent",
    env: postgresEnv(obj, layout.pgdata),
    ports: [{ name: "postgresql", containerPort: POSTGRESQL_PORT, protocol: "TCP" }],
    readinessProbe: { exec: { command: isReady }, periodSeconds: 10, timeoutSeconds: 5 },
    livenessProbe: { exec: { command: isReady }, initialDelaySeconds: 30, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
    resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "2Gi" } },
    volumeMounts: mounts,
    securityContext: containerSecurityContext(),
  };
}

function claimTemplate(obj: DefaultedDiscourse, opts: BuildOptions): V1PersistentVolumeClaim {
  const s = obj.spec.database.storage;
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: POSTGRESQL_VOLUME, labels: childLabels(obj, COMPONENTS.postgresql) },
    spec: {
      accessModes: ["ReadWriteOnce"],
      volumeMode: "Filesystem",
      resources: { requests: { storage: opts.liveDatabaseClaimTemplateStorage ?? String(s.size) } },
      ...(s.storageClassName !== undefined ? { storageClassName: s.storageClassName } : {}),
    },
  };
}

/**
 * The managed PostgreSQL, or null when `spec.database.host` names an external server.
 * `opts.liveDatabaseClaimTemplateStorage` keeps an existing claim template unchanged.
 */
export function buildPostgresqlStatefulSet(obj: DefaultedDiscourse, opts: BuildOptions = {}): V1StatefulSet | null {
  if (obj.spec.database.host) return null;
  const whenDeleted = obj.spec.deletionPolicy === "Delete" ? "Delete" : "Retain";
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: childMeta(obj, COMPONENTS.postgresql, postgresqlName(obj)),
    spec: {
      replicas: 1,
      serviceName: postgresqlName(obj),
      selector: { matchLabels: selectorLabels(obj, COMPONENTS.postgresql) },
      persistentVolumeClaimRetentionPolicy: { whenDeleted, whenScaled: "Retain" },
      template: {
        metadata: { labels: childLabels(obj, COMPONENTS.postgresql) },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: podSecurityContext(POSTGRES_UID),
          terminationGracePeriodSeconds: 60,
          containers: [postgresContainer(obj)],
          volumes: [
            { name: "init", configMap: { name: postgresqlInitName(obj) } },
            { name: "shm", emptyDir: { medium: "Memory", sizeLimit: "256Mi" } },
          ],
        },
      },
      volumeClaimTemplates: [claimTemplate(obj, opts)],
    },
  };
}
