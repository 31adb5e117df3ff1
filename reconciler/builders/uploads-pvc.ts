/**
 * PersistentVolumeClaim `<name>-uploads` (component `uploads`): local uploads of web and
 * sidekiq. Kept under `deletionPolicy: Retain`: owned by the Discourse only under `Delete`.
 */
import type { V1PersistentVolumeClaim } from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { COMPONENTS, retainableMeta } from "./metadata.js";
import { uploadsClaimName } from "./names.js";

/**
 * The uploads claim: `storage.uploads.size` (a quantity; a number is bytes),
 * `storage.uploads.accessMode`, `storage.uploads.storageClassName` when set (else the
 * cluster's default class). Always exists.
 */
export function buildUploadsPvc(obj: DefaultedDiscourse): V1PersistentVolumeClaim {
  const u = obj.spec.storage.uploads;
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: retainableMeta(obj, COMPONENTS.uploads, uploadsClaimName(obj)),
    spec: {
      accessModes: [u.accessMode],
      volumeMode: "Filesystem",
      resources: { requests: { storage: String(u.size) } },
      ...(u.storageClassName !== undefined ? { storageClassName: u.storageClassName } : {}),
    },
  };
}
