/**
 * Job `<name>-backup-<backup>` (component `backup`): runs BACKUP_SCRIPT for one
 * DiscourseBackup, writing `/backups/<backup>/` on the volume `<name>-backups` from the
 * forum's database (pg_dump with the client of its PostgreSQL major) and its uploads
 * (mounted read-only). Owned by the DiscourseBackup (deleting it deletes the Job); a Job's
 * pod template is immutable: create it once, never update it. Also the Job
 * `<name>-cleanup-<backup>` removing a backup's files (the DiscourseBackup's finalizer).
 */
import type { V1Job, V1OwnerReference } from "@kubernetes/client-node";
import { API_VERSION, LABEL_COMPONENT, LABEL_INSTANCE, LABEL_MANAGED_BY, LABEL_NAME, MANAGED_BY } from "../../src/api/constants.js";
import { BACKUP_KIND, BACKUP_REASON_LABEL } from "../../src/api/backup-constants.js";
import type { DefaultedDiscourse, DiscourseBackup } from "../../src/api/types.js";
import { BACKUP_SCRIPT, CLEANUP_SCRIPT } from "./backup-scripts.js";
import { BACKUP_ANNOTATION, BACKUPS_MOUNT_PATH, backupJobName, cleanupJobName } from "./backup-names.js";
import { backupsVolume, postgresEnv, scriptPodSpec, TERMINATION_LOG, UPLOADS_DIR, uploadsVolume } from "./backup-pod.js";
import { uploadsPlacement } from "./uploads.js";
import { APP_NAME, childLabels, childMeta, COMPONENTS, ownerIdentity } from "./metadata.js";
import { containerSecurityContext, DISCOURSE_UID, podSecurityContext } from "./security.js";

/** A backup's longest run, in seconds (6 hours), after which its Job fails. */
export const BACKUP_DEADLINE_SECONDS = 6 * 3600;

/** Controller owner reference to the DiscourseBackup. */
export function backupOwnerReference(backup: DiscourseBackup): V1OwnerReference {
  const { name, uid } = backup.metadata;
  if (!name || !uid) throw new Error("DiscourseBackup metadata needs name and uid to build its Job");
  return { apiVersion: API_VERSION, kind: BACKUP_KIND, name, uid, controller: true, blockOwnerDeletion: true };
}

/**
 * The backup Job of `backup`, a backup of `obj`. The Discourse version written into the
 * manifest is the one running (status.version), else spec.version.
 */
export function buildBackupJob(obj: DefaultedDiscourse, backup: DiscourseBackup): V1Job {
  const forum = ownerIdentity(obj).name;
  const backupName = backup.metadata.name ?? "";
  const placement = uploadsPlacement(obj, COMPONENTS.backup);
  const metadata = childMeta(obj, COMPONENTS.backup, backupJobName(forum, backupName));
  metadata.ownerReferences = [backupOwnerReference(backup)];
  metadata.annotations = { [BACKUP_ANNOTATION]: backupName };
  metadata.labels = { ...metadata.labels, [BACKUP_REASON_LABEL]: backup.spec.reason ?? "Manual" };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata,
    spec: {
      backoffLimit: 2,
      activeDeadlineSeconds: BACKUP_DEADLINE_SECONDS,
      template: {
        metadata: { labels: { ...childLabels(obj, COMPONENTS.backup), ...placement.labels }, annotations: { [BACKUP_ANNOTATION]: backupName } },
        spec: scriptPodSpec(obj, {
          name: "backup",
          script: BACKUP_SCRIPT,
          env: [
            ...postgresEnv(obj),
            { name: "BACKUP_NAME", value: backupName },
            { name: "BACKUP_ROOT", value: BACKUPS_MOUNT_PATH },
            { name: "UPLOADS_DIR", value: UPLOADS_DIR },
            { name: "DISCOURSE_VERSION", value: obj.status?.version ?? obj.spec.version },
            { name: "TERMINATION_LOG", value: TERMINATION_LOG },
          ],
          volumes: [backupsVolume(forum, false), uploadsVolume(obj, true)],
          ...(placement.affinity ? { affinity: placement.affinity } : {}),
        }),
      },
    },
  };
}

/** Seconds a finished cleanup Job stays (it may outlive its DiscourseBackup, so it is not owned by it). */
export const CLEANUP_TTL_SECONDS = 600;

/**
 * The Job removing the files of the backup `backupName` of the forum `forum` (namespace
 * `namespace`), with `image` (any image with a shell: the forum's postgres image). Owned by
 * nothing: the DiscourseBackup is being deleted and the forum may be gone; it deletes itself
 * 10 minutes after it finished (ttlSecondsAfterFinished).
 */
export function buildCleanupJob(forum: string, namespace: string, backupName: string, image: string): V1Job {
  const labels = {
    [LABEL_NAME]: APP_NAME,
    [LABEL_INSTANCE]: forum,
    [LABEL_COMPONENT]: COMPONENTS.backupCleanup,
    [LABEL_MANAGED_BY]: MANAGED_BY,
  };
  const backups = backupsVolume(forum, false);
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: cleanupJobName(forum, backupName), namespace, labels, annotations: { [BACKUP_ANNOTATION]: backupName } },
    spec: {
      backoffLimit: 3,
      ttlSecondsAfterFinished: CLEANUP_TTL_SECONDS,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: "Never",
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: podSecurityContext(DISCOURSE_UID),
          containers: [
            {
              name: "cleanup",
              image,
              imagePullPolicy: "IfNotPresent",
              command: ["/bin/sh", "-c", CLEANUP_SCRIPT],
              env: [
                { name: "BACKUP_NAME", value: backupName },
                { name: "BACKUP_ROOT", value: BACKUPS_MOUNT_PATH },
              ],
              volumeMounts: [backups.mount],
              resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } },
              securityContext: containerSecurityContext(),
            },
          ],
          volumes: [backups.volume],
        },
      },
    },
  };
}
