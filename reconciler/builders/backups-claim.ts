/**
 * PersistentVolumeClaim `<name>-backups` (component `backup`): the files of the forum's
 * DiscourseBackup objects, one directory per backup. ReadWriteOnce: only the backup,
 * cleanup and restore Jobs mount it, one at a time. Made once backups are asked for
 * (a DiscourseBackup of the forum exists or `backup.schedule` is set); grows with
 * `backup.storage.size`. Retainable: under `deletionPolicy: Retain` it carries no owner
 * reference (metadata.ts `retainableMeta`), so it outlives the forum with its backups.
 */
import type { V1PersistentVolumeClaim } from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { backupsClaimName } from "./backup-names.js";
import { COMPONENTS, ownerIdentity, retainableMeta } from "./metadata.js";

/** The backups claim of `obj`: `backup.storage.size`, `backup.storage.storageClassName` when set. */
export function buildBackupsClaim(obj: DefaultedDiscourse): V1PersistentVolumeClaim {
  const storage = obj.spec.backup.storage;
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: retainableMeta(obj, COMPONENTS.backup, backupsClaimName(ownerIdentity(obj).name)),
    spec: {
      accessModes: ["ReadWriteOnce"],
      volumeMode: "Filesystem",
      resources: { requests: { storage: String(storage.size) } },
      ...(storage.storageClassName !== undefined ? { storageClassName: storage.storageClassName } : {}),
    },
  };
}
