/**
 * PersistentVolumeClaim `<name>-backups` (component `backup`): the files of the forum's
 * DiscourseBackup objects, one directory per backup. ReadWriteOnce: only the backup,
 * cleanup and restore Jobs mount it, one at a time. Made once backups are asked for
 * (a DiscourseBackup of the forum exists or `backup.schedule` is set); grows with
 * `backup.storage.size`; released, not deleted, under `deletionPolicy: Retain`.
 */
import type { V1PersistentVolumeClaim } from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { backupsClaimName } from "./backup-names.js";
import { childMeta, COMPONENTS, ownerIdentity } from "./metadata.js";

/** The backups claim of `obj`: `backup.storage.size`, `backup.storage.storageClassName` when set. */
export function buildBackupsClaim(obj: DefaultedDiscourse): V1PersistentVolumeClaim {
  const storage = obj.spec.backup.storage;
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: childMeta(obj, COMPONENTS.backup, backupsClaimName(ownerIdentity(obj).name)),
    spec: {
      accessModes: ["ReadWriteOnce"],
      volumeMode: "Filesystem",
      resources: { requests: { storage: String(storage.size) } },
      ...(storage.storageClassName !== undefined ? { storageClassName: storage.storageClassName } : {}),
    },
  };
}
