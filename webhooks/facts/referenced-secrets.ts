/**
 * The names of the Secrets a Discourse refers to, read defensively (the
 * object may be malformed: the mutating webhook runs before schema validation).
 */
import { isPlainObject } from "../admission/object.js";

function at(value: unknown, ...path: string[]): unknown {
  let cur = value;
  for (const key of path) {
    if (!isPlainObject(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/**
 * Names of referenced Secrets: spec.database.credentialsSecret (default
 * `<name>-db-credentials`), spec.database.adminSecret,
 * spec.redis.passwordSecret.name, spec.smtp.passwordSecret.name and
 * spec.ingress.tlsSecretName (default `<name>-tls`). Non-string values are skipped.
 *
 * @param object - a Discourse as received, before or after defaulting.
 * @returns unique, non-empty names, in that order.
 */
export function referencedSecretNames(object: unknown): string[] {
  const name = at(object, "metadata", "name");
  const instance = typeof name === "string" && name !== "" ? name : undefined;
  const candidates = [
    at(object, "spec", "database", "credentialsSecret") ?? (instance && `${instance}-db-credentials`),
    at(object, "spec", "database", "adminSecret"),
    at(object, "spec", "redis", "passwordSecret", "name"),
    at(object, "spec", "smtp", "passwordSecret", "name"),
    at(object, "spec", "ingress", "tlsSecretName") ?? (instance && `${instance}-tls`),
  ];
  const names = candidates.filter((c): c is string => typeof c === "string" && c !== "");
  return [...new Set(names)];
}
