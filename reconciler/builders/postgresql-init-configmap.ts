/**
 * ConfigMap `<name>-postgresql-init` (component `postgresql`): SQL the official postgres
 * image runs once, when it initialises an empty data directory, from
 * /docker-entrypoint-initdb.d, against POSTGRES_DB as POSTGRES_USER (a superuser). It
 * creates the extensions Discourse needs. Not listed in API.md's table: an extra child of
 * the managed database.
 */
import type { V1ConfigMap } from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { childMeta, COMPONENTS } from "./metadata.js";
import { postgresqlInitName } from "./names.js";

/**
 * Extensions Discourse uses, created by the managed server's init SQL and by the db-init
 * Job: the list discourse_docker `templates/postgres.template.yml` creates in the forum's
 * database (`create extension if not exists hstore; … pg_trgm; … vector;`); `vector`
 * (pgvector) because a core migration of Discourse 3.5+ needs it.
 */
export const DISCOURSE_EXTENSIONS = ["hstore", "pg_trgm", "vector"] as const;

/** What a server without an extension is told (pgvector is the one a plain image lacks). */
export function missingExtensionMessage(ext: string): string {
  const hint = ext === "vector" ? " (pgvector): use a PostgreSQL image or server with pgvector installed" : "";
  return `extension "${ext}" is not available on this server${hint}; Discourse needs ${DISCOURSE_EXTENSIONS.join(", ")}`;
}

/**
 * Idempotent SQL creating every extension, one statement per line: a check that stops with
 * a clear message when the server lacks an extension, then `CREATE EXTENSION IF NOT EXISTS`.
 */
export function extensionsSql(): string {
  return DISCOURSE_EXTENSIONS.map(
    (e) =>
      `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_available_extensions WHERE name = '${e}') THEN ` +
      `RAISE EXCEPTION '${missingExtensionMessage(e)}'; END IF; END $$;\n` +
      `CREATE EXTENSION IF NOT EXISTS ${e};\n`,
  ).join("");
}

/** The init ConfigMap, or null when `spec.database.host` names an external server. */
export function buildPostgresqlInitConfigMap(obj: DefaultedDiscourse): V1ConfigMap | null {
  if (obj.spec.database.host) return null;
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: childMeta(obj, COMPONENTS.postgresql, postgresqlInitName(obj)),
    data: { "10-extensions.sql": extensionsSql() },
  };
}
