/** Service `<name>-redis` (component `redis`) in front of the managed Redis. */
import type { V1Service } from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { REDIS_PORT } from "./env-configmap.js";
import { childMeta, COMPONENTS, selectorLabels } from "./metadata.js";
import { redisName } from "./names.js";

/** The Redis Service on port 6379, or null when `spec.redis.host` names an external server. */
export function buildRedisService(obj: DefaultedDiscourse): V1Service | null {
  if (obj.spec.redis.host) return null;
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: childMeta(obj, COMPONENTS.redis, redisName(obj)),
    spec: {
      type: "ClusterIP",
      selector: selectorLabels(obj, COMPONENTS.redis),
      ports: [{ name: "redis", port: REDIS_PORT, targetPort: "redis", protocol: "TCP" }],
    },
  };
}
