/**
 * Growth of the managed database volume. The StatefulSet's volumeClaimTemplates cannot
 * change, so a larger `spec.database.storage.size` is applied to the claim the
 * StatefulSet controller made, `data-<name>-postgresql-0`
 * (https://kubernetes.io/docs/concepts/storage/persistent-volumes/#expanding-persistent-volumes-claims;
 * the storage class must allow volume expansion).
 */
import type { V1ObjectMeta } from "@kubernetes/client-node";
import { DEFAULT_REDIS_VOLUME_SIZE } from "../../src/api/constants.js";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { childLabels, COMPONENTS, ownerIdentity } from "./metadata.js";
import { databaseClaimName, redisClaimName } from "./names.js";

/** A partial PVC apply configuration: metadata and the storage request only. */
export interface ClaimResize {
  apiVersion: "v1";
  kind: "PersistentVolumeClaim";
  metadata: V1ObjectMeta;
  spec: { resources: { requests: { storage: string } } };
}

/**
 * The patch setting the database claim's storage request to `database.storage.size`, or
 * null when the database is external. No owner reference: the StatefulSet controller
 * manages that one. Apply only when the claim exists and is smaller.
 */
export function buildDatabaseClaimResize(obj: DefaultedDiscourse): ClaimResize | null {
  if (obj.spec.database.host) return null;
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: {
      name: databaseClaimName(obj),
      namespace: ownerIdentity(obj).namespace,
      labels: childLabels(obj, COMPONENTS.postgresql),
    },
    spec: { resources: { requests: { storage: String(obj.spec.database.storage.size) } } },
  };
}

/**
 * The same for the managed Redis volume `data-<name>-redis-0` (`redis.storage.size`), or
 * null when Redis is external.
 */
export function buildRedisClaimResize(obj: DefaultedDiscourse): ClaimResize | null {
  if (obj.spec.redis.host) return null;
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: {
      name: redisClaimName(obj),
      namespace: ownerIdentity(obj).namespace,
      labels: childLabels(obj, COMPONENTS.redis),
    },
    spec: { resources: { requests: { storage: String(obj.spec.redis.storage?.size ?? DEFAULT_REDIS_VOLUME_SIZE) } } },
  };
}
