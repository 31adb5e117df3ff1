/** Images of the backends the operator runs itself, pinned by tag. */
import type { DefaultedDiscourse } from "../../src/api/types.js";

/** Managed Redis (official image). */
export const REDIS_IMAGE = "docker.io/library/redis:7.4";

/**
 * Official PostgreSQL image of `spec.database.version` (managed server, and the psql
 * client of the db-init Job).
 */
export function postgresImage(obj: DefaultedDiscourse): string {
  return `docker.io/library/postgres:${obj.spec.database.version}`;
}
