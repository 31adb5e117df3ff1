/**
 * StatefulSet `<name>-redis` (component `redis`): one Redis for one forum, only when
 * `spec.redis.host` is empty. It holds Sidekiq's queues (e-mails waiting to be sent) and,
 * without a stable `secret_key_base`, Discourse's fallback secret, so its data lives on a
 * volume (volumeClaimTemplate `data`, `redis.storage.size`), as discourse_docker keeps it in
 * /shared/redis_data (`templates/redis.template.yml`: `dir /shared/redis_data`).
 *
 * - Persistence: upstream keeps redis.conf's default RDB snapshots (`save 3600 1 300 100
 *   60 10000`, the file discourse_docker `image/base/install-redis` copies from the Redis
 *   sources); here the append-only file is switched on as well (`appendonly yes`,
 *   `appendfsync everysec`), so a pod restart loses at most a second of queued jobs.
 * - Password (`redis.passwordSecret`): reaches the container as the env REDIS_PASSWORD by
 *   secretKeyRef; REDIS_START_SCRIPT writes it into a config file (mode 600, in an
 *   emptyDir) that redis-server reads, so it never appears on a command line.
 * - The claim follows `deletionPolicy` through persistentVolumeClaimRetentionPolicy, as the
 *   PostgreSQL one does (backend-statefulset.ts, the shape both share).
 */
import type { V1Container, V1EnvVar, V1StatefulSet } from "@kubernetes/client-node";
import { DEFAULT_REDIS_VOLUME_SIZE } from "../../src/api/constants.js";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { REDIS_PORT } from "./env-configmap.js";
import { REDIS_IMAGE } from "./images.js";
import { backendProbes, backendStatefulSet, dataClaimTemplate } from "./backend-statefulset.js";
import { COMPONENTS } from "./metadata.js";
import { REDIS_VOLUME, redisName } from "./names.js";
import type { BuildOptions } from "./options.js";
import { containerSecurityContext, REDIS_UID } from "./security.js";

/** Where the data volume is mounted: the official image's working directory and VOLUME. */
export const REDIS_DATA_PATH = "/data";
/** The generated config file (an emptyDir, so any uid may write it). */
export const REDIS_CONFIG_PATH = "/config/redis.conf";

/**
 * Writes the config and starts Redis. The password is escaped for redis.conf's quoted
 * strings (backslash and double quote); a password with a newline is not supported.
 */
export const REDIS_START_SCRIPT = [
  "set -eu",
  "umask 077",
  `conf=${REDIS_CONFIG_PATH}`,
  "{",
  `  echo 'dir ${REDIS_DATA_PATH}'`,
  `  echo 'port ${REDIS_PORT}'`,
  "  echo 'protected-mode no'",
  "  echo 'save 3600 1 300 100 60 10000'",
  "  echo 'appendonly yes'",
  "  echo 'appendfsync everysec'",
  '  if [ -n "${REDIS_PASSWORD:-}" ]; then',
  "    printf 'requirepass \"%s\"\\n' \"$(printf '%s' \"$REDIS_PASSWORD\" | sed 's/[\\\\\"]/\\\\&/g')\"",
  "  fi",
  '} > "$conf"',
  'exec redis-server "$conf"',
].join("\n");

function redisContainer(obj: DefaultedDiscourse): V1Container {
  const ref = obj.spec.redis.passwordSecret;
  const c: V1Container = {
    name: "redis",
    image: REDIS_IMAGE,
    imagePullPolicy: "IfNotPresent",
    command: ["/bin/sh", "-c", REDIS_START_SCRIPT],
    ports: [{ name: "redis", containerPort: REDIS_PORT, protocol: "TCP" }],
    ...backendProbes({ tcpSocket: { port: "redis" } }),
    resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "512Mi" } },
    volumeMounts: [
      { name: REDIS_VOLUME, mountPath: REDIS_DATA_PATH },
      { name: "config", mountPath: "/config" },
    ],
    securityContext: containerSecurityContext(),
  };
  const env: V1EnvVar[] = ref ? [{ name: "REDIS_PASSWORD", valueFrom: { secretKeyRef: { ...ref } } }] : [];
  if (env.length > 0) c.env = env;
  return c;
}

/**
 * The managed Redis, or null when `spec.redis.host` names an external server.
 * `opts.liveRedisClaimTemplateStorage` keeps an existing claim template unchanged (a grown
 * size reaches the claim through buildRedisClaimResize()).
 */
export function buildRedisStatefulSet(obj: DefaultedDiscourse, opts: BuildOptions = {}): V1StatefulSet | null {
  if (obj.spec.redis.host) return null;
  return backendStatefulSet(obj, opts, {
    component: COMPONENTS.redis,
    name: redisName(obj),
    uid: REDIS_UID,
    container: redisContainer(obj),
    volumes: [{ name: "config", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } }],
    claimTemplate: dataClaimTemplate(obj, COMPONENTS.redis, REDIS_VOLUME, opts.liveRedisClaimTemplateStorage ?? String(obj.spec.redis.storage?.size ?? DEFAULT_REDIS_VOLUME_SIZE)),
  });
}
