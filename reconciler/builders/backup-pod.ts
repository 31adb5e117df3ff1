/**
 * What the backup, cleanup and restore pods share: the postgres image of the forum's
 * PostgreSQL major (its client tools, reconciler/builders/images.ts), the libpq environment
 * with the password from a secretKeyRef only, the volumes, a non-root security context, and
 * the placement next to web when the uploads volume is ReadWriteOnce (uploads.ts
 * `uploadsPlacement`: the label `discourse.cern/uploads` and a required podAffinity to it).
 *
 * They run as the `discourse` user (uid 1000, reconciler/builders/security.ts) with fsGroup
 * 1000: the files they read (uploads) and write (backups, restored uploads) are the ones web
 * and sidekiq own. The postgres image's clients need no passwd entry for that uid: PGUSER
 * names the role and psql runs with -X (no ~/.psqlrc).
 */
import type { V1Affinity, V1Container, V1EnvVar, V1PodSpec, V1Volume, V1VolumeMount } from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { BACKUPS_MOUNT_PATH, backupsClaimName } from "./backup-names.js";
import { credentialsSecretName } from "./credentials-secret.js";
import { postgresImage } from "./images.js";
import { postgresqlName, uploadsClaimName } from "./names.js";
import { containerSecurityContext, DISCOURSE_UID, podSecurityContext } from "./security.js";

/** Mount path of the uploads volume in the backup and restore pods. */
export const UPLOADS_DIR = "/uploads";
/** Where the container writes its summary (the Kubernetes default terminationMessagePath). */
export const TERMINATION_LOG = "/dev/termination-log";

/**
 * libpq environment reaching `obj`'s database as its own role: PGPASSWORD from key
 * `password` of the credentials Secret, never a literal
 * (https://www.postgresql.org/docs/current/libpq-envars.html).
 */
export function postgresEnv(obj: DefaultedDiscourse): V1EnvVar[] {
  const db = obj.spec.database;
  return [
    { name: "PGHOST", value: db.host || postgresqlName(obj) },
    { name: "PGPORT", value: String(db.port) },
    { name: "PGDATABASE", value: db.name },
    { name: "PGUSER", value: db.user },
    { name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: credentialsSecretName(obj), key: "password" } } },
    { name: "PGSSLMODE", value: db.sslMode },
    { name: "PGCONNECT_TIMEOUT", value: "10" },
    { name: "HOME", value: "/tmp" },
  ];
}

/** The backups volume of the forum `forum`, mounted at /backups. */
export function backupsVolume(forum: string, readOnly: boolean): { volume: V1Volume; mount: V1VolumeMount } {
  return {
    volume: { name: "backups", persistentVolumeClaim: { claimName: backupsClaimName(forum), readOnly } },
    mount: { name: "backups", mountPath: BACKUPS_MOUNT_PATH, readOnly },
  };
}

/** `obj`'s uploads volume, mounted at /uploads. */
export function uploadsVolume(obj: DefaultedDiscourse, readOnly: boolean): { volume: V1Volume; mount: V1VolumeMount } {
  return {
    volume: { name: "uploads", persistentVolumeClaim: { claimName: uploadsClaimName(obj), readOnly } },
    mount: { name: "uploads", mountPath: UPLOADS_DIR, readOnly },
  };
}

/**
 * A one-container pod spec running `script` with `/bin/sh -c` in the postgres image of
 * `obj`'s major, as uid 1000. The container's last words go to its termination message:
 * the script's summary on success, the tail of its log on failure (FallbackToLogsOnError).
 */
export function scriptPodSpec(obj: DefaultedDiscourse, o: { name: string; script: string; env: V1EnvVar[]; volumes: Array<{ volume: V1Volume; mount: V1VolumeMount }>; affinity?: V1Affinity }): V1PodSpec {
  const container: V1Container = {
    name: o.name,
    image: postgresImage(obj),
    imagePullPolicy: "IfNotPresent",
    command: ["/bin/sh", "-c", o.script],
    env: o.env,
    volumeMounts: o.volumes.map((v) => v.mount),
    resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "1Gi" } },
    terminationMessagePath: TERMINATION_LOG,
    terminationMessagePolicy: "FallbackToLogsOnError",
    securityContext: containerSecurityContext(),
  };
  return {
    restartPolicy: "Never",
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: podSecurityContext(DISCOURSE_UID),
    ...(o.affinity ? { affinity: o.affinity } : {}),
    containers: [container],
    volumes: o.volumes.map((v) => v.volume),
  };
}
