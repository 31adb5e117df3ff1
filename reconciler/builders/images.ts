/** Images of the backends the operator runs itself, pinned by tag. */
import { PGVECTOR_IMAGE_REPOSITORY, PGVECTOR_VERSION } from "../../src/api/constants.js";
import type { DefaultedDiscourse } from "../../src/api/types.js";

/**
 * Managed Redis: the official image, Redis 7.4 as discourse_docker installs it
 * (`image/base/install-redis`: REDIS_VERSION=7.4.x).
 */
export const REDIS_IMAGE = "docker.io/library/redis:7.4";

/**
 * The pgvector image of one PostgreSQL major: `<repository>:<pgvector>-pg<major>`
 * (pgvector `README.md`, "Docker": `0.8.6-pg17` is the official `postgres:17` image with the
 * extension `vector` added, pgvector `Dockerfile`).
 */
export function pgvectorImage(major: string): string {
  return `${PGVECTOR_IMAGE_REPOSITORY}:${PGVECTOR_VERSION}-pg${major}`;
}

/**
 * Image of the managed PostgreSQL server and of the psql client of the db-init Job:
 * `spec.database.image` when set (a mirror), else pgvectorImage(`spec.database.version`).
 * Discourse 3.5+ creates the extension `vector` in a core migration, so the server needs
 * pgvector (discourse_docker `templates/postgres.template.yml` creates it too).
 */
export function postgresImage(obj: DefaultedDiscourse): string {
  return obj.spec.database.image ?? pgvectorImage(obj.spec.database.version);
}
