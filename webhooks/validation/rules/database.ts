/**
 * spec.database rules a schema cannot say (shared/API.md): `adminSecret` only
 * for an external server; `version` and `storage` only mean something for the
 * managed database, so setting them for an external one is warned about;
 * `host` is a host name or an IP address and nothing else (it goes into the
 * `uri` key of the credentials Secret and into libpq's `host`); with
 * `adminSecret`, `user` is never a role the server itself depends on.
 */
import { isIP } from "node:net";
import { DEFAULT_POSTGRES_VERSION } from "../../../src/api/constants.js";
import type { Discourse } from "../../../src/api/types.js";
import { databaseNameFor } from "../../defaulting/derived-names.js";
import { isManagedDatabase } from "../../defaulting/managed.js";
import { forbidden, invalid } from "../field-error.js";
import { compareQuantities } from "../quantity.js";
import { OK, errorsOf, mergeResults, nameOf, warningsOf, type ValidationResult } from "../types.js";

/** Default size of the database and uploads volumes. */
export const DEFAULT_STORAGE_SIZE = "10Gi";

/** spec.database.adminSecret is set only together with spec.database.host. */
export function validateAdminSecretExternalOnly(obj: Discourse): ValidationResult {
  const db = obj.spec?.database;
  if (!db?.adminSecret || !isManagedDatabase(obj.spec)) return OK;
  return errorsOf(
    forbidden("spec.database.adminSecret", "may only be set with spec.database.host (an external database); the managed database is initialised by the operator"),
  );
}

/**
 * Warns when an external database carries managed-only settings that differ
 * from their defaults (defaults are always present after defaulting).
 */
export function warnManagedOnlySettings(obj: Discourse): ValidationResult {
  const db = obj.spec?.database;
  if (!db || isManagedDatabase(obj.spec)) return OK;
  const ignored = "is ignored: spec.database.host is set, so the database is external";
  const versionSet = db.version !== undefined && db.version !== DEFAULT_POSTGRES_VERSION;
  const size = db.storage?.size;
  const storageSet =
    db.storage?.storageClassName !== undefined || (size !== undefined && compareQuantities(size, DEFAULT_STORAGE_SIZE) !== 0);
  return mergeResults([
    versionSet ? warningsOf(`spec.database.version ${ignored}`) : OK,
    storageSet ? warningsOf(`spec.database.storage ${ignored}`) : OK,
    db.image !== undefined ? warningsOf(`spec.database.image ${ignored}`) : OK,
  ]);
}

/** A DNS name (RFC 1123 labels, any case, at most 253 characters). */
const DNS_NAME = /^(?=.{1,253}$)[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?)*\.?$/;

/** spec.database.host, when set: a DNS name or an IPv4/IPv6 address (no scheme, port, path, user, query or spaces). */
export function validateDatabaseHost(obj: Discourse): ValidationResult {
  const host: unknown = obj.spec?.database?.host;
  if (typeof host !== "string" || host === "" || DNS_NAME.test(host) || isIP(host) !== 0) return OK;
  return errorsOf(
    invalid("spec.database.host", host, "must be a host name (e.g. db.example.org) or an IP address, without scheme, port, path, user or spaces; the port goes into spec.database.port"),
  );
}

/**
 * Roles the db-init Job must never create or alter: `postgres`, the
 * bootstrap superuser of the official image (docker-library/postgres
 * 17/bookworm/docker-entrypoint.sh, docker_setup_env: `file_env 'POSTGRES_USER'
 * 'postgres'`), and every `pg_*`
 * name, which PostgreSQL reserves for its predefined roles
 * (https://www.postgresql.org/docs/current/predefined-roles.html).
 */
export function isReservedRole(role: string): boolean {
  return role === "postgres" || role.startsWith("pg_");
}

/**
 * With spec.database.adminSecret the db-init Job creates spec.database.user
 * and sets its password: a reserved role (the server's own superuser) is
 * refused, or the Job would reset the superuser's password.
 */
export function validateDatabaseUserNotReserved(obj: Discourse): ValidationResult {
  const db = obj.spec?.database;
  if (!db?.adminSecret) return OK;
  const user: unknown = db.user ?? db.name ?? databaseNameFor(nameOf(obj));
  if (typeof user !== "string" || !isReservedRole(user)) return OK;
  return errorsOf(
    forbidden(
      "spec.database.user",
      `"${user}" is a role the PostgreSQL server relies on; with spec.database.adminSecret the operator would reset its password: choose a role of the forum's own, e.g. the default (spec.database.name)`,
    ),
  );
}
