/**
 * Job `<name>-db-init` (component `db-init`): on an external server, with the role of
 * `spec.database.adminSecret` (keys `username`, `password`), creates the role
 * `database.user` (password: key `password` of the credentials Secret), the database
 * `database.name` owned by it, and the extensions hstore, pg_trgm and vector
 * (postgresql-init-configmap.ts, DISCOURSE_EXTENSIONS). Every step is
 * idempotent, so a retried or repeated run is harmless. Passwords reach psql through
 * secretKeyRef env and psql's `\getenv` (PostgreSQL 15+ clients), never through a
 * command line; identifiers and literals are quoted by format(%I, %L).
 */
import type { V1EnvVar, V1Job } from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { credentialsSecretName } from "./credentials-secret.js";
import { postgresImage } from "./images.js";
import { childLabels, childMeta, COMPONENTS } from "./metadata.js";
import { dbInitJobName } from "./names.js";
import { extensionsSql } from "./postgresql-init-configmap.js";
import { isOpenShift } from "./platform.js";
import type { BuildOptions } from "./options.js";
import { backendUid, containerSecurityContext, podSecurityContext, POSTGRES_UID } from "./security.js";

/** The shell script of the db-init container. */
export const DB_INIT_SCRIPT = [
  "set -eu",
  "psql -v ON_ERROR_STOP=1 -d postgres <<'SQL'",
  "\\getenv db_user DB_USER",
  "\\getenv db_name DB_NAME",
  "\\getenv db_password DB_PASSWORD",
  "SELECT format('CREATE ROLE %I LOGIN', :'db_user') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'db_user')\\gexec",
  "SELECT format('ALTER ROLE %I WITH LOGIN PASSWORD %L', :'db_user', :'db_password')\\gexec",
  // CREATE DATABASE … OWNER needs membership of the owner (PostgreSQL 16+: with SET); a
  // superuser has it already, a CREATEROLE admin grants it to itself (a repeat is a NOTICE).
  "SELECT format('GRANT %I TO CURRENT_USER', :'db_user') WHERE NOT (SELECT rolsuper FROM pg_roles WHERE rolname = CURRENT_USER)\\gexec",
  "SELECT format('CREATE DATABASE %I OWNER %I', :'db_name', :'db_user') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db_name')\\gexec",
  "SQL",
  `psql -v ON_ERROR_STOP=1 -d "$DB_NAME" <<'SQL'`,
  extensionsSql().trimEnd(),
  "SQL",
].join("\n");

function dbInitEnv(obj: DefaultedDiscourse, adminSecret: string, host: string): V1EnvVar[] {
  const db = obj.spec.database;
  return [
    { name: "PGHOST", value: host },
    { name: "PGPORT", value: String(db.port) },
    { name: "PGSSLMODE", value: db.sslMode },
    { name: "PGCONNECT_TIMEOUT", value: "10" },
    { name: "PGUSER", valueFrom: { secretKeyRef: { name: adminSecret, key: "username" } } },
    { name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: adminSecret, key: "password" } } },
    { name: "DB_USER", value: db.user },
    { name: "DB_NAME", value: db.name },
    { name: "DB_PASSWORD", valueFrom: { secretKeyRef: { name: credentialsSecretName(obj), key: "password" } } },
  ];
}

/**
 * The db-init Job, or null unless the database is external (`database.host` set) and
 * `database.adminSecret` is given. Create it once; a Job's pod template is immutable.
 */
export function buildDbInitJob(obj: DefaultedDiscourse, opts: BuildOptions = {}): V1Job | null {
  const { host, adminSecret } = obj.spec.database;
  if (!host || !adminSecret) return null;
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: childMeta(obj, COMPONENTS.dbInit, dbInitJobName(obj)),
    spec: {
      backoffLimit: 6,
      template: {
        metadata: { labels: childLabels(obj, COMPONENTS.dbInit) },
        spec: {
          restartPolicy: "Never",
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: podSecurityContext(backendUid(POSTGRES_UID, isOpenShift(obj, opts))),
          containers: [
            {
              name: "db-init",
              image: postgresImage(obj),
              imagePullPolicy: "IfNotPresent",
              command: ["/bin/sh", "-c", DB_INIT_SCRIPT],
              env: dbInitEnv(obj, adminSecret, host),
              securityContext: containerSecurityContext(),
            },
          ],
        },
      },
    },
  };
}
