/**
 * ConfigMap `<name>-env`: the non-secret Discourse settings, read by web, sidekiq and the
 * migration Job through `envFrom`. Names follow Discourse's config/discourse_defaults.conf:
 * every setting `x` can be given as `DISCOURSE_X` in the environment (the convention
 * discourse_docker's templates rely on; discourse `app/models/global_setting.rb`
 * EnvProvider reads `DISCOURSE_<KEY>`). Every name set here is in discourse_defaults.conf
 * (db_host, db_port, db_name, db_username, hostname, developer_emails, redis_host,
 * redis_port, smtp_address, smtp_port, smtp_user_name, smtp_domain, smtp_enable_start_tls,
 * serve_static_assets) or in discourse_docker's samples (DISCOURSE_NOTIFICATION_EMAIL in
 * `samples/standalone.yml`). Passwords are never here: they reach pods through secretKeyRef
 * (discourse-pod.ts).
 */
import { createHash } from "node:crypto";
import type { V1ConfigMap } from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { childMeta, COMPONENTS } from "./metadata.js";
import { envConfigMapName, postgresqlName, redisName } from "./names.js";

/** Port the managed PostgreSQL Service listens on. */
export const POSTGRESQL_PORT = 5432;
/** Port the managed Redis Service listens on. */
export const REDIS_PORT = 6379;

/** Host and port Discourse connects to for its database: the external server or `<name>-postgresql:5432`. */
export function databaseEndpoint(obj: DefaultedDiscourse): { host: string; port: number } {
  const db = obj.spec.database;
  return db.host ? { host: db.host, port: db.port } : { host: postgresqlName(obj), port: POSTGRESQL_PORT };
}

/** Host and port of Redis: the external server or `<name>-redis:6379`. */
export function redisEndpoint(obj: DefaultedDiscourse): { host: string; port: number } {
  const redis = obj.spec.redis;
  return redis.host ? { host: redis.host, port: redis.port } : { host: redisName(obj), port: REDIS_PORT };
}

function databaseSettings(obj: DefaultedDiscourse): Record<string, string> {
  const db = obj.spec.database;
  const { host, port } = databaseEndpoint(obj);
  return {
    DISCOURSE_DB_HOST: host,
    DISCOURSE_DB_PORT: String(port),
    DISCOURSE_DB_NAME: db.name,
    DISCOURSE_DB_USERNAME: db.user,
    // Discourse has no sslmode setting; the pg gem uses libpq, which reads PGSSLMODE
    // (https://www.postgresql.org/docs/current/libpq-envars.html).
    PGSSLMODE: db.sslMode,
  };
}

function redisSettings(obj: DefaultedDiscourse): Record<string, string> {
  const { host, port } = redisEndpoint(obj);
  return { DISCOURSE_REDIS_HOST: host, DISCOURSE_REDIS_PORT: String(port) };
}

function smtpSettings(obj: DefaultedDiscourse): Record<string, string> {
  const smtp = obj.spec.smtp;
  if (!smtp) return {};
  const out: Record<string, string> = {
    DISCOURSE_SMTP_ADDRESS: smtp.host,
    DISCOURSE_SMTP_PORT: String(smtp.port),
    DISCOURSE_SMTP_ENABLE_START_TLS: String(smtp.enableStartTLS),
  };
  if (smtp.user !== undefined) out.DISCOURSE_SMTP_USER_NAME = smtp.user;
  if (smtp.domain !== undefined) out.DISCOURSE_SMTP_DOMAIN = smtp.domain;
  if (smtp.fromAddress !== undefined) out.DISCOURSE_NOTIFICATION_EMAIL = smtp.fromAddress;
  return out;
}

/** `spec.env` entries with a literal value; entries with `valueFrom` go into the container env. */
function userSettings(obj: DefaultedDiscourse): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of obj.spec.env) {
    if (e.valueFrom === undefined) out[e.name] = e.value ?? "";
  }
  return out;
}

/**
 * Settings every forum gets, before `spec.env` (which may override them):
 * - RAILS_ENV=production (discourse_docker `templates/web.template.yml` env);
 * - DISCOURSE_SERVE_STATIC_ASSETS=true: Rails serves public/ (precompiled assets) itself,
 *   there being no nginx in these pods (discourse `config/environments/production.rb`:
 *   `config.public_file_server.enabled = GlobalSetting.serve_static_assets`; the default in
 *   discourse_defaults.conf is false because upstream's nginx serves them);
 * - RAILS_LOG_TO_STDOUT=1: the Rails logger writes to stdout, so `kubectl logs` shows it
 *   (discourse `config/environments/production.rb`, added by discourse/discourse#18880).
 */
export const BASE_SETTINGS: Readonly<Record<string, string>> = {
  RAILS_ENV: "production",
  DISCOURSE_SERVE_STATIC_ASSETS: "true",
  RAILS_LOG_TO_STDOUT: "1",
};

/**
 * The settings, keys sorted: BASE_SETTINGS, then `spec.env` literals (which may override
 * them), then what the operator owns (hostname, developer e-mails, database, Redis, SMTP),
 * which always wins.
 */
export function envSettings(obj: DefaultedDiscourse): Record<string, string> {
  const all: Record<string, string> = {
    ...BASE_SETTINGS,
    ...userSettings(obj),
    DISCOURSE_HOSTNAME: obj.spec.hostname,
    DISCOURSE_DEVELOPER_EMAILS: obj.spec.developerEmails.join(","),
    ...databaseSettings(obj),
    ...redisSettings(obj),
    ...smtpSettings(obj),
  };
  return Object.fromEntries(Object.entries(all).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The ConfigMap `<name>-env` (component `config`). Always exists. */
export function buildEnvConfigMap(obj: DefaultedDiscourse): V1ConfigMap {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: childMeta(obj, COMPONENTS.config, envConfigMapName(obj)),
    data: envSettings(obj),
  };
}

/**
 * SHA-256 (hex) of ConfigMap data, independent of key order. Put on pod templates so a
 * change of settings rolls the pods (envFrom is read only when a container starts).
 */
export function configHash(data: Record<string, string>): string {
  const sorted = Object.keys(data).sort().map((k) => [k, data[k]]);
  return createHash("sha256").update(JSON.stringify(sorted)).digest("hex");
}

/** The ConfigMap `<name>-env` and the configHash() of its data, built together once. */
export interface EnvConfig {
  configMap: V1ConfigMap;
  /** configHash() of `configMap.data`: the pod-template annotation of web, sidekiq and the migration Jobs. */
  hash: string;
}

/**
 * The ConfigMap `<name>-env` of `obj` and its hash. A reconcile builds it once and passes it
 * along (options.ts `env`) to every builder that reads it. The settings read nothing of the
 * code (version, image, plugins), so web and sidekiq built with the served code share it.
 */
export function envConfig(obj: DefaultedDiscourse): EnvConfig {
  const configMap = buildEnvConfigMap(obj);
  return { configMap, hash: configHash(configMap.data ?? {}) };
}

/** The hash of `obj`'s settings: the one passed along in `opts.env`, else built now. */
export function envHash(obj: DefaultedDiscourse, opts: { env?: EnvConfig }): string {
  return (opts.env ?? envConfig(obj)).hash;
}
