/**
 * Whether the operator runs a backing service itself (shared/API.md: an empty
 * `host` means managed). Accepts a raw or a defaulted spec.
 */

interface WithHosts {
  database?: { host?: string } | undefined;
  redis?: { host?: string } | undefined;
}

/** True when spec.database.host is empty or absent: the operator runs PostgreSQL. */
export function isManagedDatabase(spec: WithHosts | undefined): boolean {
  return !spec?.database?.host;
}

/** True when spec.redis.host is empty or absent: the operator runs Redis. */
export function isManagedRedis(spec: WithHosts | undefined): boolean {
  return !spec?.redis?.host;
}
