/**
 * ConfigMap `<name>-postgresql-init` (component `postgresql`): SQL the official postgres
 * image runs once, when it initialises an empty data directory, from
 * /docker-entrypoint-initdb.d, against POSTGRES_DB as POSTGRES_USER (a superuser). It
 * creates the extensions Discourse needs (hstore, pg_trgm). Not listed in API.md's table:
 * an extra child of the managed database.
 */
import type { V1ConfigMap } from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { childMeta, COMPONENTS } from "./metadata.js";
import { postgresqlInitName } from "./names.js";

/** Extensions Discourse uses, created by the managed server's init SQL and by the db-init Job. */
export const DISCOURSE_EXTENSIONS = ["hstore", "pg_trgm"] as const;

/** `CREATE EXTENSION IF NOT EXISTS …;` for every extension, one per line. */
export function extensionsSql(): string {
  return DISCOURSE_EXTENSIONS.map((e) => `CREATE EXTENSION IF NOT EXISTS ${e};\n`).join("");
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
