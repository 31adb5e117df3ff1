/**
 * Defaults derived from metadata.name and spec.version (shared/API.md). The
 * reconciler uses the same functions, so a name is spelled in one place.
 */
import { DEFAULT_IMAGE_REPOSITORY } from "../../src/api/constants.js";

/** `my-forum` → `my_forum`: a PostgreSQL identifier (no `-` without quoting). */
export function databaseNameFor(name: string): string {
  return name.replace(/-/g, "_");
}

/** `<name>-db-credentials`: the generated basic-auth Secret. */
export function credentialsSecretNameFor(name: string): string {
  return `${name}-db-credentials`;
}

/** `<name>-tls`: the Secret with the forum's TLS certificate. */
export function tlsSecretNameFor(name: string): string {
  return `${name}-tls`;
}

/** `<DEFAULT_IMAGE_REPOSITORY>:<version>`: the image of a Discourse release. */
export function imageFor(version: string): string {
  return `${DEFAULT_IMAGE_REPOSITORY}:${version}`;
}
