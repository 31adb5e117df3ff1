/**
 * Deployment `<name>-redis` (component `redis`): a single Redis for one forum, only when
 * `spec.redis.host` is empty. Data lives in an emptyDir: Discourse keeps caches, the
 * message bus and sidekiq queues there, all of which it can rebuild or lose on restart.
 */
import type { V1Container, V1Deployment, V1EnvVar } from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { REDIS_PORT } from "./env-configmap.js";
import { REDIS_IMAGE } from "./images.js";
import { childLabels, childMeta, COMPONENTS, selectorLabels } from "./metadata.js";
import { redisName } from "./names.js";
import { containerSecurityContext, podSecurityContext, REDIS_UID } from "./security.js";

function redisContainer(obj: DefaultedDiscourse): V1Container {
  const ref = obj.spec.redis.passwordSecret;
  const env: V1EnvVar[] = ref ? [{ name: "REDIS_PASSWORD", valueFrom: { secretKeyRef: { ...ref } } }] : [];
  const c: V1Container = {
    name: "redis",
    image: REDIS_IMAGE,
    imagePullPolicy: "IfNotPresent",
    // $(REDIS_PASSWORD) is expanded by the kubelet from the secretKeyRef env entry.
    command: ref ? ["redis-server", "--requirepass", "$(REDIS_PASSWORD)"] : ["redis-server"],
    ports: [{ name: "redis", containerPort: REDIS_PORT, protocol: "TCP" }],
    readinessProbe: { tcpSocket: { port: "redis" }, periodSeconds: 10, timeoutSeconds: 5 },
    livenessProbe: { tcpSocket: { port: "redis" }, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
    resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "512Mi" } },
    volumeMounts: [{ name: "data", mountPath: "/data" }],
    securityContext: containerSecurityContext(),
  };
  if (env.length > 0) c.env = env;
  return c;
}

/**
 * The managed Redis, or null when `spec.redis.host` names an external server. Requires
 * the password of `spec.redis.passwordSecret` when that is set.
 */
export function buildRedisDeployment(obj: DefaultedDiscourse): V1Deployment | null {
  if (obj.spec.redis.host) return null;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: childMeta(obj, COMPONENTS.redis, redisName(obj)),
    spec: {
      replicas: 1,
      selector: { matchLabels: selectorLabels(obj, COMPONENTS.redis) },
      strategy: { type: "Recreate" },
      template: {
        metadata: { labels: childLabels(obj, COMPONENTS.redis) },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: podSecurityContext(REDIS_UID),
          containers: [redisContainer(obj)],
          volumes: [{ name: "data", emptyDir: {} }],
        },
      },
    },
  };
}
