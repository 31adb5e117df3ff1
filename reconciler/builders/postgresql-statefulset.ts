/**
 * StatefulSet `<name>-postgresql` (component `postgresql`): one PostgreSQL server of major
 * `spec.database.version` for one forum, only when `spec.database.host` is empty.
 *
 * - Role and database: POSTGRES_USER = `database.user`, POSTGRES_DB = `database.name`
 *   (the same spec fields the ConfigMap gives Discourse, so both always agree),
 *   POSTGRES_PASSWORD from key `password` of the credentials Secret.
 * - Image: postgresImage() (pgvector's build of the official image, or `database.image`).
 * - Data: volumeClaimTemplate `data` (`database.storage`). Images before 18 keep data in
 *   /var/lib/postgresql/data (docker-library/postgres `17/bookworm/Dockerfile`:
 *   `ENV PGDATA /var/lib/postgresql/data`, `VOLUME` there); the volume is mounted there and
 *   PGDATA is a subdirectory, so a file system's lost+found does not stop initdb. From 18
 *   the image keeps data in /var/lib/postgresql/18/docker and declares
 *   `VOLUME /var/lib/postgresql` (`18/bookworm/Dockerfile`); the volume is mounted at
 *   /var/lib/postgresql and PGDATA is the image's.
 * - Shutdown: the image's STOPSIGNAL is SIGINT, PostgreSQL's fast shutdown
 *   (docker-library/postgres `Dockerfile`, with the advice to give it more than the
 *   runtime's default 10 s before SIGKILL). A preStop hook runs `pg_ctl stop -m fast` and
 *   waits up to PG_STOP_TIMEOUT_SECONDS whatever signal the runtime would send;
 *   terminationGracePeriodSeconds leaves 10 s more before the kill.
 * - The claim follows `deletionPolicy` through persistentVolumeClaimRetentionPolicy:
 *   `Delete` lets the StatefulSet controller delete it with the StatefulSet, `Retain`
 *   leaves it (https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#persistentvolumeclaim-retention).
 * - Extensions: the `<name>-postgresql-init` ConfigMap at /docker-entrypoint-initdb.d.
 */
import type { V1Container, V1EnvVar, V1StatefulSet, V1VolumeMount } from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { credentialsSecretName } from "./credentials-secret.js";
import { POSTGRESQL_PORT } from "./env-configmap.js";
import { postgresImage } from "./images.js";
import { backendProbes, backendStatefulSet, dataClaimTemplate } from "./backend-statefulset.js";
import { COMPONENTS } from "./metadata.js";
import { POSTGRESQL_VOLUME, postgresqlInitName, postgresqlName } from "./names.js";
import type { BuildOptions } from "./options.js";
import { containerSecurityContext, POSTGRES_UID } from "./security.js";

/** Seconds `pg_ctl stop -m fast` waits for the server to stop in the preStop hook. */
export const PG_STOP_TIMEOUT_SECONDS = 50;
/** Seconds between the pod's termination and SIGKILL: the stop timeout plus 10 s. */
export const POSTGRES_TERMINATION_GRACE_SECONDS = PG_STOP_TIMEOUT_SECONDS + 10;
/**
 * preStop command: fast shutdown of the server of $PGDATA (set by the image or by the pod),
 * waiting for it. A server already stopped is not an error for the hook.
 */
export const PG_FAST_STOP_SCRIPT = `pg_ctl stop -D "$PGDATA" -m fast -w -t ${PG_STOP_TIMEOUT_SECONDS} || true`;

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
    ...backendProbes({ exec: { command: isReady } }, 30),
    resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "2Gi" } },
    lifecycle: { preStop: { exec: { command: ["/bin/sh", "-c", PG_FAST_STOP_SCRIPT] } } },
    volumeMounts: mounts,
    securityContext: containerSecurityContext(),
  };
}

/**
 * The managed PostgreSQL, or null when `spec.database.host` names an external server.
 * `opts.liveDatabaseClaimTemplateStorage` keeps an existing claim template unchanged.
 */
export function buildPostgresqlStatefulSet(obj: DefaultedDiscourse, opts: BuildOptions = {}): V1StatefulSet | null {
  if (obj.spec.database.host) return null;
  const storage = obj.spec.database.storage;
  return backendStatefulSet(obj, opts, {
    component: COMPONENTS.postgresql,
    name: postgresqlName(obj),
    uid: POSTGRES_UID,
    terminationGracePeriodSeconds: POSTGRES_TERMINATION_GRACE_SECONDS,
    container: postgresContainer(obj),
    volumes: [
      { name: "init", configMap: { name: postgresqlInitName(obj) } },
      { name: "shm", emptyDir: { medium: "Memory", sizeLimit: "256Mi" } },
    ],
    claimTemplate: dataClaimTemplate(obj, COMPONENTS.postgresql, POSTGRESQL_VOLUME, opts.liveDatabaseClaimTemplateStorage ?? String(storage.size), storage.storageClassName),
  });
}
