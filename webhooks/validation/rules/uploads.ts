/**
 * spec.storage.uploads: a ReadWriteOnce volume cannot be mounted by pods on
 * several nodes, so several replicas with it get a warning; on UPDATE the size
 * never shrinks and the StorageClass is immutable (as for any PVC).
 */
import type { Discourse } from "../../../src/api/types.js";
import { OK, mergeResults, warningsOf, type ValidationResult } from "../types.js";
import { DEFAULT_STORAGE_SIZE } from "./database.js";
import { sizeNotShrunk, storageClassUnchanged } from "./database-transitions.js";

/** Warns when uploads are ReadWriteOnce and spec.replicas > 1. */
export function warnUploadsAccessMode(obj: Discourse): ValidationResult {
  const replicas = obj.spec?.replicas ?? 1;
  if (obj.spec?.storage?.uploads?.accessMode !== "ReadWriteOnce" || typeof replicas !== "number" || replicas <= 1) return OK;
  return warningsOf(
    `spec.storage.uploads.accessMode: ReadWriteOnce with ${replicas} replicas: every pod that mounts the uploads ` +
      "volume runs on one node, so the replicas share that node's capacity and fail with it; accessMode cannot " +
      "change on an existing forum: for pods on several nodes create a new forum with ReadWriteMany uploads from a " +
      "backup (spec.restore.backup), or set replicas to 1",
  );
}

/** Uploads volume on UPDATE: StorageClass immutable, size never shrinks. */
export function validateUploadsTransition(obj: Discourse, old: Discourse): ValidationResult {
  const next = obj.spec?.storage?.uploads;
  const previous = old.spec?.storage?.uploads;
  return mergeResults([
    storageClassUnchanged("spec.storage.uploads.storageClassName", next?.storageClassName, previous?.storageClassName),
    sizeNotShrunk("spec.storage.uploads.size", next?.size ?? DEFAULT_STORAGE_SIZE, previous?.size ?? DEFAULT_STORAGE_SIZE),
  ]);
}
