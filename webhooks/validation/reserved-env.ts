/**
 * Environment variables the operator sets itself on the web and sidekiq
 * containers, from spec fields (Discourse reads its settings from
 * `DISCOURSE_*` variables: https://github.com/discourse/discourse/blob/main/config/discourse_defaults.conf).
 * `spec.env` may not set them; the reconciler uses the same list.
 */

/** Exact names the operator sets (hostname, developer e-mails, notification sender, secret_key_base). */
export const RESERVED_ENV_NAMES = [
  "DISCOURSE_HOSTNAME",
  "DISCOURSE_DEVELOPER_EMAILS",
  "DISCOURSE_NOTIFICATION_EMAIL",
  "DISCOURSE_SECRET_KEY_BASE",
] as const;

/** Prefixes of the families the operator sets (database, Redis, SMTP). */
export const RESERVED_ENV_PREFIXES = ["DISCOURSE_DB_", "DISCOURSE_REDIS_", "DISCOURSE_SMTP_"] as const;

/** Prefix every name in spec.env must have. */
export const ENV_PREFIX = "DISCOURSE_";

/** True when the operator sets `name` itself, so spec.env may not. */
export function isReservedEnvName(name: string): boolean {
  return (
    (RESERVED_ENV_NAMES as readonly string[]).includes(name) ||
    RESERVED_ENV_PREFIXES.some((prefix) => name.startsWith(prefix))
  );
}

/** The spec field an operator-set variable comes from, for messages. */
export function reservedEnvSource(name: string): string {
  if (name === "DISCOURSE_HOSTNAME") return "spec.hostname";
  if (name === "DISCOURSE_DEVELOPER_EMAILS") return "spec.developerEmails";
  if (name === "DISCOURSE_NOTIFICATION_EMAIL") return "spec.smtp.fromAddress";
  if (name === "DISCOURSE_SECRET_KEY_BASE") return "the Secret <metadata.name>-app-secrets";
  if (name.startsWith("DISCOURSE_DB_")) return "spec.database";
  if (name.startsWith("DISCOURSE_REDIS_")) return "spec.redis";
  return "spec.smtp";
}
