/**
 * The upstream facts the children are built on, one row per fact, each naming the file
 * it comes from (docs/upstream.md has the same table in prose). A row fails when a builder
 * drifts from upstream.
 */
import { expect } from "chai";
import type { V1Container, V1PodSpec } from "@kubernetes/client-node";
import { ASSETS_PRECOMPILE_SCRIPT, LOGS_TO_STDOUT_SCRIPT, RAILS_LOG_PATH, UPLOADS_MOUNT_PATH } from "../../../reconciler/builders/discourse-pod.js";
import { BASE_SETTINGS, envSettings } from "../../../reconciler/builders/env-configmap.js";
import { buildIngress } from "../../../reconciler/builders/ingress.js";
import { DISCOURSE_EXTENSIONS } from "../../../reconciler/builders/postgresql-init-configmap.js";
import { buildPostgresqlStatefulSet, postgresDataLayout } from "../../../reconciler/builders/postgresql-statefulset.js";
import { buildRedisStatefulSet, REDIS_START_SCRIPT } from "../../../reconciler/builders/redis-statefulset.js";
import { DISCOURSE_UID, POSTGRES_UID } from "../../../reconciler/builders/security.js";
import { buildSidekiqDeployment, SIDEKIQ_QUEUES } from "../../../reconciler/builders/sidekiq-deployment.js";
import { buildWebDeployment } from "../../../reconciler/builders/web-deployment.js";
import { DEFAULT_DISCOURSE_VERSION, DEFAULT_IMAGE_REPOSITORY } from "../../../src/api/constants.js";
import { VERSION_PATTERN } from "../../../src/api/schema.js";
import { imageFor } from "../../../webhooks/defaulting/derived-names.js";
import { rootForum, withSpec } from "./fixtures.js";

const pod = (d: { spec?: { template: { spec?: V1PodSpec } } } | null): V1PodSpec => d!.spec!.template.spec!;
const app = (d: { spec?: { template: { spec?: V1PodSpec } } } | null): V1Container => pod(d).containers[0]!;
const web = buildWebDeployment(rootForum());
const sidekiq = buildSidekiqDeployment(rootForum());
const pg = (major: string) => buildPostgresqlStatefulSet(withSpec(rootForum(), (s) => { s.database.version = major; }));
const mounts = (c: V1Container) => (c.volumeMounts ?? []).map((m) => m.mountPath);

/**
 * Every DISCOURSE_* setting the operator writes and the upstream file that defines it:
 * discourse config/discourse_defaults.conf (read as DISCOURSE_<KEY> by
 * app/models/global_setting.rb's EnvProvider) or discourse_docker samples/standalone.yml.
 */
const UPSTREAM_SETTINGS: Record<string, string> = {
  DISCOURSE_DB_HOST: "discourse_defaults.conf db_host",
  DISCOURSE_DB_PORT: "discourse_defaults.conf db_port",
  DISCOURSE_DB_NAME: "discourse_defaults.conf db_name",
  DISCOURSE_DB_USERNAME: "discourse_defaults.conf db_username",
  DISCOURSE_HOSTNAME: "discourse_defaults.conf hostname",
  DISCOURSE_DEVELOPER_EMAILS: "discourse_defaults.conf developer_emails",
  DISCOURSE_REDIS_HOST: "discourse_defaults.conf redis_host",
  DISCOURSE_REDIS_PORT: "discourse_defaults.conf redis_port",
  DISCOURSE_SMTP_ADDRESS: "discourse_defaults.conf smtp_address",
  DISCOURSE_SMTP_PORT: "discourse_defaults.conf smtp_port",
  DISCOURSE_SMTP_USER_NAME: "discourse_defaults.conf smtp_user_name",
  DISCOURSE_SMTP_DOMAIN: "discourse_defaults.conf smtp_domain",
  DISCOURSE_SMTP_ENABLE_START_TLS: "discourse_defaults.conf smtp_enable_start_tls",
  DISCOURSE_SERVE_STATIC_ASSETS: "discourse_defaults.conf serve_static_assets",
  DISCOURSE_NOTIFICATION_EMAIL: "discourse_docker samples/standalone.yml",
};

const facts: { fact: string; source: string; got: () => unknown; want: unknown }[] = [
  {
    fact: "sidekiq works critical, default, low and ultra_low with weights 8, 4, 2, 1",
    source: "discourse lib/demon/sidekiq.rb (Demon::Sidekiq#after_fork)",
    got: () => SIDEKIQ_QUEUES.map(([q, w]) => `${q},${w}`),
    want: ["critical,8", "default,4", "low,2", "ultra_low,1"],
  },
  {
    fact: "sidekiq is started with those -q arguments, 5 threads, 5 s shutdown timeout",
    source: "discourse lib/demon/sidekiq.rb; config/discourse_defaults.conf sidekiq_workers = 5",
    got: () => app(sidekiq).command?.slice(4).join(" "),
    want: "bundle exec sidekiq -c 5 -t 5 -q critical,8 -q default,4 -q low,2 -q ultra_low,1",
  },
  {
    fact: "the forum's database gets hstore, pg_trgm and vector",
    source: "discourse_docker templates/postgres.template.yml",
    got: () => [...DISCOURSE_EXTENSIONS],
    want: ["hstore", "pg_trgm", "vector"],
  },
  {
    fact: "the managed PostgreSQL image is pgvector's build of the official image, per major",
    source: "pgvector README.md (Docker: 0.8.6-pg<major>), pgvector Dockerfile (FROM postgres:$PG_MAJOR-…)",
    got: () => ["15", "16", "17", "18"].map((m) => app(pg(m)).image),
    want: ["15", "16", "17", "18"].map((m) => `docker.io/pgvector/pgvector:0.8.6-pg${m}`),
  },
  {
    fact: "PostgreSQL 15-17 keep PGDATA below /var/lib/postgresql/data, 18 in /var/lib/postgresql/18/docker",
    source: "docker-library/postgres 17/bookworm/Dockerfile and 18/bookworm/Dockerfile (ENV PGDATA, VOLUME)",
    got: () => ["15", "17", "18"].map((m) => postgresDataLayout(m)),
    want: [
      { mountPath: "/var/lib/postgresql/data", pgdata: "/var/lib/postgresql/data/pgdata" },
      { mountPath: "/var/lib/postgresql/data", pgdata: "/var/lib/postgresql/data/pgdata" },
      { mountPath: "/var/lib/postgresql" },
    ],
  },
  {
    fact: "PostgreSQL gets a fast shutdown (pg_ctl -m fast) before the kill, with time to finish",
    source: "docker-library/postgres Dockerfile (STOPSIGNAL SIGINT, 'Fast Shutdown mode', longer stop timeout advised)",
    got: () => [app(pg("17")).lifecycle?.preStop?.exec?.command?.[2]?.includes("-m fast"), pod(pg("17")).terminationGracePeriodSeconds],
    want: [true, 60],
  },
  {
    fact: "postgres runs as uid 999 on Kubernetes",
    source: "docker-library/postgres Dockerfile (useradd --uid=999 postgres)",
    got: () => pod(pg("17")).securityContext?.runAsUser,
    want: POSTGRES_UID,
  },
  {
    fact: "Discourse runs as uid 1000",
    source: "discourse_docker image/base/Dockerfile (useradd --uid 1000 discourse)",
    got: () => [pod(web).securityContext?.runAsUser, DISCOURSE_UID],
    want: [1000, 1000],
  },
  {
    fact: "uploads live in /shared/uploads, logs in /shared/log/rails",
    source: "discourse_docker templates/web.template.yml (ln -s /shared/{uploads,backups} $home/public; /shared/log/rails/*.log)",
    got: () => [UPLOADS_MOUNT_PATH, RAILS_LOG_PATH, mounts(app(web)).slice(0, 2)],
    want: ["/shared/uploads", "/shared/log/rails", ["/shared/log/rails", "/shared/uploads"]],
  },
  {
    fact: "unicorn's log files and Rails' logger reach stdout",
    source: "discourse config/unicorn.conf.rb (stderr_path/stdout_path in production); config/environments/production.rb (RAILS_LOG_TO_STDOUT, discourse#18880)",
    got: () => [LOGS_TO_STDOUT_SCRIPT.includes("unicorn.stdout"), LOGS_TO_STDOUT_SCRIPT.includes("unicorn.stderr"), BASE_SETTINGS.RAILS_LOG_TO_STDOUT],
    want: [true, true, "1"],
  },
  {
    fact: "assets are precompiled before unicorn starts, without the Ember build the image holds",
    source: "discourse_docker templates/web.template.yml (PRECOMPILE_ON_BOOT); discourse/launcher v2/config/config.go (--skip-tags=precompile,migrate,db), v2/cli_build.go (SKIP_EMBER_CLI_COMPILE=1)",
    got: () => [pod(web).initContainers?.at(-1)?.name, ASSETS_PRECOMPILE_SCRIPT.includes("SKIP_EMBER_CLI_COMPILE=1 bundle exec rake assets:precompile")],
    want: ["assets", true],
  },
  {
    fact: "Rails serves the precompiled assets itself (no nginx in the pod)",
    source: "discourse config/environments/production.rb (public_file_server.enabled = GlobalSetting.serve_static_assets)",
    got: () => BASE_SETTINGS.DISCOURSE_SERVE_STATIC_ASSETS,
    want: "true",
  },
  {
    fact: "every DISCOURSE_* name the operator sets exists upstream",
    source: "discourse config/discourse_defaults.conf; discourse_docker samples/standalone.yml",
    got: () => Object.keys(envSettings(rootForum())).filter((k) => k.startsWith("DISCOURSE_") && !(k in UPSTREAM_SETTINGS) && !rootForum().spec.env.some((e) => e.name === k)),
    want: [],
  },
  {
    fact: "secret_key_base reaches Discourse as DISCOURSE_SECRET_KEY_BASE from <name>-app-secrets",
    source: "discourse app/models/global_setting.rb (safe_secret_key_base: DISCOURSE_SECRET_KEY_BASE, 128 hex characters)",
    got: () => app(web).env?.find((e) => e.name === "DISCOURSE_SECRET_KEY_BASE")?.valueFrom,
    want: { secretKeyRef: { name: "root-forum-app-secrets", key: "secret_key_base" } },
  },
  {
    fact: "Redis keeps its data on a volume in its dir, with upstream's snapshots",
    source: "discourse_docker templates/redis.template.yml (dir /shared/redis_data); redis.conf defaults (save 3600 1 300 100 60 10000)",
    got: () => {
      const sts = buildRedisStatefulSet(rootForum());
      return [sts?.spec?.volumeClaimTemplates?.[0]?.metadata?.name, mounts(app(sts))[0], REDIS_START_SCRIPT.includes("save 3600 1 300 100 60 10000")];
    },
    want: ["data", "/data", true],
  },
  {
    fact: "the ingress-nginx body limit is upstream's nginx upload size",
    source: "discourse_docker templates/web.template.yml (upload_size: 10m → client_max_body_size)",
    got: () => buildIngress(rootForum())?.metadata?.annotations?.["nginx.ingress.kubernetes.io/proxy-body-size"],
    want: "10m",
  },
  {
    fact: "the default image is the web-only image discourse/discourse:<version> of an ESR release",
    source: "discourse_docker .github/workflows/push-web-only.yml (DOCKER_REPO discourse/discourse, tag Discourse::VERSION::STRING of esr)",
    got: () => imageFor(DEFAULT_DISCOURSE_VERSION),
    want: `${DEFAULT_IMAGE_REPOSITORY}:2026.1.1`,
  },
  {
    fact: "spec.version accepts upstream's version strings and no floating tag",
    source: "discourse lib/version.rb (VERSION_REGEXP \\d+.\\d+.\\d+(.beta\\d+)?, then -DEV e.g. -latest)",
    got: () => ["3.4.2", "3.5.0.beta8", "3.5.0.beta8-dev", "2026.1.1", "2026.3.0-latest", "latest", "3.5"].map((v) => new RegExp(VERSION_PATTERN).test(v)),
    want: [true, true, true, true, true, false, false],
  },
];

describe("builders: upstream facts", () => {
  for (const f of facts) it(`${f.fact} (${f.source})`, () => expect(f.got()).to.deep.equal(f.want));
});
