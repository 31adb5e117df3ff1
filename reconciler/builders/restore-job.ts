/**
 * Job `<name>-restore` (component `restore`): before the first migration of a forum created
 * with `spec.restore.backup`, runs RESTORE_SCRIPT: checks every file of the backup against
 * its manifest (and the manifest against the sha256 the DiscourseBackup recorded, when it
 * did), refuses a database that is not empty, extracts the uploads into the new forum's
 * uploads volume and loads the dump into its database as its own role. The backup's files
 * are read from the volume of the forum it was taken from, `<backup.spec.discourse>-backups`,
 * mounted read-only (that forum may be gone: its volume is kept under `Retain`).
 */
import type { V1Job } from "@kubernetes/client-node";
import type { DefaultedDiscourse, DiscourseBackup } from "../../src/api/types.js";
import { BACKUP_FILES, RESTORE_SCRIPT } from "./backup-scripts.js";
import { BACKUP_ANNOTATION, BACKUPS_MOUNT_PATH, restoreJobName } from "./backup-names.js";
import { backupsVolume, postgresEnv, scriptPodSpec, TERMINATION_LOG, UPLOADS_DIR, uploadsVolume } from "./backup-pod.js";
import { uploadsPlacement } from "./uploads.js";
import { childLabels, childMeta, COMPONENTS, ownerIdentity } from "./metadata.js";

/**
 * The restore Job of `obj` from `backup`, or null when `obj` has no `spec.restore`.
 * Create it once; a Job's pod template is immutable.
 */
export function buildRestoreJob(obj: DefaultedDiscourse, backup: DiscourseBackup): V1Job | null {
  if (!obj.spec.restore) return null;
  const backupName = backup.metadata.name ?? "";
  const placement = uploadsPlacement(obj, COMPONENTS.restore);
  const manifestSha = backup.status?.sha256?.[BACKUP_FILES.manifest];
  const metadata = childMeta(obj, COMPONENTS.restore, restoreJobName(ownerIdentity(obj).name));
  metadata.annotations = { [BACKUP_ANNOTATION]: backupName };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata,
    spec: {
      backoffLimit: 1,
      template: {
        metadata: { labels: { ...childLabels(obj, COMPONENTS.restore), ...placement.labels }, annotations: { [BACKUP_ANNOTATION]: backupName } },
        spec: scriptPodSpec(obj, {
          name: "restore",
          script: RESTORE_SCRIPT,
          env: [
            ...postgresEnv(obj),
            { name: "BACKUP_DIR", value: `${BACKUPS_MOUNT_PATH}/${backupName}` },
            { name: "UPLOADS_DIR", value: UPLOADS_DIR },
            ...(manifestSha ? [{ name: "MANIFEST_SHA256", value: manifestSha }] : []),
            { name: "TERMINATION_LOG", value: TERMINATION_LOG },
          ],
          volumes: [backupsVolume(backup.spec.discourse, true), uploadsVolume(obj, false)],
          ...(placement.affinity ? { affinity: placement.affinity } : {}),
        }),
      },
    },
  };
}
