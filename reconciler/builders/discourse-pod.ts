/**
 * The pod template shared by every pod that runs Discourse itself: the web and sidekiq
 * Deployments and the migration Job. One place decides how settings, secrets, uploads and
 * plugins reach the Rails application.
 *
 * - Settings: `envFrom` the ConfigMap `<name>-env` (non-secret only).
 * - Secrets: `secretKeyRef` env entries only: DISCOURSE_DB_PASSWORD (key `password` of the
 *   credentials Secret), DISCOURSE_SECRET_KEY_BASE (key `secret_key_base` of
 *   `<name>-app-secrets`: discourse `app/models/global_setting.rb` takes `secret_key_base`
 *   from DISCOURSE_SECRET_KEY_BASE when it is 128 hex characters, else keeps a generated one
 *   in Redis), DISCOURSE_REDIS_PASSWORD and DISCOURSE_SMTP_PASSWORD when their Secrets are
 *   given, and every `spec.env` entry that has `valueFrom`.
 * - Uploads: the PVC `<name>-uploads` at /shared/uploads. The web-only image links
 *   public/uploads to /shared/uploads and its log files to /shared/log/rails (discourse_docker
 *   `templates/web.template.yml`, `ln -s /shared/{uploads,backups} $home/public`), and
 *   upstream mounts its volume at /shared (`samples/web_only.yml`).
 * - Logs: an emptyDir at /shared/log/rails, where the image's log/*.log links point; the
 *   web command links unicorn's files there to the container's stdout and stderr
 *   (web-deployment.ts); Rails logs to stdout through RAILS_LOG_TO_STDOUT (env-configmap.ts).
 * - Placement (uploads.ts): with ReadWriteOnce uploads every pod that mounts them runs on
 *   one node; with ReadWriteMany web pods spread over nodes and zones.
 * - OpenShift: the pods use the ServiceAccount `<name>-discourse`, which may use the
 *   `nonroot-v2` SCC (scc-role-binding.ts).
 * - Plugins: one init container per plugin fetches its repository at `ref` (default branch
 *   when unset) into an emptyDir; the app container mounts each plugin directory at
 *   /var/www/discourse/plugins/<name> (subPath), so the plugins bundled in the image stay.
 * - Service links are off: a Service named e.g. `discourse-redis` would otherwise inject
 *   `DISCOURSE_REDIS_PORT=tcp://…`, which Discourse reads as its redis_port setting.
 */
import type {
  V1Container,
  V1EnvFromSource,
  V1EnvVar,
  V1ObjectMeta,
  V1PodSpec,
  V1PodTemplateSpec,
  V1Volume,
  V1VolumeMount,
} from "@kubernetes/client-node";
import type { DefaultedDiscourse, PluginSpec } from "../../src/api/types.js";
import { credentialsSecretName } from "./credentials-secret.js";
import { childLabels, type Component } from "./metadata.js";
import { appSecretsName, discourseServiceAccountName, envConfigMapName, uploadsClaimName } from "./names.js";
import type { BuildOptions } from "./options.js";
import { isOpenShift } from "./platform.js";
import { containerSecurityContext, DISCOURSE_UID, podSecurityContext } from "./security.js";
import { uploadsPlacement } from "./uploads.js";

/** Rails root of the Discourse image (discourse_docker `templates/web.template.yml`, param `home`). */
export const DISCOURSE_HOME = "/var/www/discourse";
/** Where local uploads live: /shared/uploads, which the image's public/uploads links to (web.template.yml). */
export const UPLOADS_MOUNT_PATH = "/shared/uploads";
/** Where the image's log/*.log links point (web.template.yml: `ln -s /shared/log/rails/… $home/log`). */
export const RAILS_LOG_PATH = "/shared/log/rails";
/** Directory Discourse loads plugins from. */
export const PLUGINS_PATH = `${DISCOURSE_HOME}/plugins`;
/** Key of `<name>-app-secrets` holding Discourse's secret_key_base (API.md). */
export const SECRET_KEY_BASE_KEY = "secret_key_base";
/** Where Rails serves precompiled assets from (config.assets.prefix below public/). */
export const ASSETS_PATH = `${DISCOURSE_HOME}/public/assets`;
const UPLOADS_VOLUME = "uploads";
const LOGS_VOLUME = "logs";
const ASSETS_VOLUME = "assets";
const ASSETS_STAGING = "/precompiled";

/**
 * Links the log files of the image (web.template.yml links $home/log/{production,
 * production_errors,unicorn.stdout,unicorn.stderr,sidekiq}.log into /shared/log/rails) to
 * the container's stdout and stderr, then runs the process given as arguments. In
 * production, config/unicorn.conf.rb sends unicorn's stdout and stderr to
 * log/unicorn.stdout.log and log/unicorn.stderr.log; through these links they reach
 * `kubectl logs`. (A non-root process may open /dev/stdout: the runtime hands the stdio
 * pipes to the container's user.)
 */
export const LOGS_TO_STDOUT_SCRIPT = [
  "set -eu",
  `for f in production unicorn.stdout sidekiq; do ln -sf /dev/stdout "${RAILS_LOG_PATH}/$f.log"; done`,
  `for f in production_errors unicorn.stderr; do ln -sf /dev/stderr "${RAILS_LOG_PATH}/$f.log"; done`,
  'exec "$@"',
].join("\n");

/**
 * The assets init container of web: precompiles the assets of this image, its plugins and
 * settings, as the web-only image's boot does (discourse_docker `templates/web.template.yml`,
 * /etc/service/unicorn/run: `PRECOMPILE_ON_BOOT=1` unless the build ran the `precompile`
 * tag, which discourse/launcher `v2/config/config.go` skips for published images:
 * `pups --skip-tags=precompile,migrate,db`; the Ember build is in the image, so
 * `SKIP_EMBER_CLI_COMPILE=1` as launcher `v2/cli_build.go` sets it), then copies
 * public/assets to the emptyDir the web container serves them from.
 */
export const ASSETS_PRECOMPILE_SCRIPT = [
  "set -eu",
  "SKIP_EMBER_CLI_COMPILE=1 bundle exec rake assets:precompile",
  `cp -a "${ASSETS_PATH}/." "${ASSETS_STAGING}/"`,
].join("\n");
const PLUGINS_VOLUME = "plugins";
const PLUGINS_STAGING = "/plugins";

/**
 * Fetches one plugin into $PLUGIN_DIR. Repository and ref arrive as environment variables,
 * never spliced into the script. `git fetch <url> <ref>` takes a branch, a tag or (on
 * servers that allow it, like GitHub) a commit; HEAD is the default branch. Re-running it
 * in the same emptyDir is harmless.
 */
export const PLUGIN_FETCH_SCRIPT = [
  "set -eu",
  'git init -q "$PLUGIN_DIR"',
  'cd "$PLUGIN_DIR"',
  'git fetch -q --depth 1 "$PLUGIN_REPOSITORY" "${PLUGIN_REF:-HEAD}"',
  "git -c advice.detachedHead=false checkout -q FETCH_HEAD",
].join("\n");

/** `envFrom` of every Discourse container: the ConfigMap `<name>-env`. */
export function discourseEnvFrom(obj: DefaultedDiscourse): V1EnvFromSource[] {
  return [{ configMapRef: { name: envConfigMapName(obj) } }];
}

/** Env entries that come from Secrets or ConfigMaps (never a literal secret). */
export function discourseSecretEnv(obj: DefaultedDiscourse): V1EnvVar[] {
  const { spec } = obj;
  const env: V1EnvVar[] = [
    { name: "DISCOURSE_DB_PASSWORD", valueFrom: { secretKeyRef: { name: credentialsSecretName(obj), key: "password" } } },
    { name: "DISCOURSE_SECRET_KEY_BASE", valueFrom: { secretKeyRef: { name: appSecretsName(obj), key: SECRET_KEY_BASE_KEY } } },
  ];
  const redisRef = spec.redis.passwordSecret;
  if (redisRef) env.push({ name: "DISCOURSE_REDIS_PASSWORD", valueFrom: { secretKeyRef: { ...redisRef } } });
  const smtpRef = spec.smtp?.passwordSecret;
  if (smtpRef) env.push({ name: "DISCOURSE_SMTP_PASSWORD", valueFrom: { secretKeyRef: { ...smtpRef } } });
  for (const e of spec.env) {
    if (e.valueFrom !== undefined) env.push({ name: e.name, valueFrom: structuredClone(e.valueFrom) });
  }
  return env;
}

/** A DNS-label container name for the i-th plugin. */
function pluginContainerName(index: number, plugin: PluginSpec): string {
  const prefix = `plugin-${index}-`;
  const rest = plugin.name.replace(/_/g, "-").slice(0, 63 - prefix.length);
  return `${prefix}${rest}`.replace(/-+$/, "");
}

/** One init container per plugin, in spec order, running PLUGIN_FETCH_SCRIPT with `image` (it has git). */
export function pluginInitContainers(obj: DefaultedDiscourse, image: string): V1Container[] {
  return obj.spec.plugins.map((p, i) => {
    const env: V1EnvVar[] = [
      { name: "HOME", value: "/tmp" },
      { name: "PLUGIN_DIR", value: `${PLUGINS_STAGING}/${p.name}` },
      { name: "PLUGIN_REPOSITORY", value: p.repository },
    ];
    if (p.ref !== undefined) env.push({ name: "PLUGIN_REF", value: p.ref });
    return {
      name: pluginContainerName(i, p),
      image,
      imagePullPolicy: "IfNotPresent",
      command: ["/bin/sh", "-c", PLUGIN_FETCH_SCRIPT],
      env,
      volumeMounts: [{ name: PLUGINS_VOLUME, mountPath: PLUGINS_STAGING }],
      securityContext: containerSecurityContext(),
    };
  });
}

function volumesAndMounts(obj: DefaultedDiscourse, uploads: boolean): { volumes: V1Volume[]; mounts: V1VolumeMount[] } {
  const volumes: V1Volume[] = [{ name: LOGS_VOLUME, emptyDir: { sizeLimit: "256Mi" } }];
  const mounts: V1VolumeMount[] = [{ name: LOGS_VOLUME, mountPath: RAILS_LOG_PATH }];
  if (uploads) {
    volumes.push({ name: UPLOADS_VOLUME, persistentVolumeClaim: { claimName: uploadsClaimName(obj) } });
    mounts.push({ name: UPLOADS_VOLUME, mountPath: UPLOADS_MOUNT_PATH });
  }
  if (obj.spec.plugins.length > 0) {
    volumes.push({ name: PLUGINS_VOLUME, emptyDir: {} });
    for (const p of obj.spec.plugins) {
      mounts.push({ name: PLUGINS_VOLUME, mountPath: `${PLUGINS_PATH}/${p.name}`, subPath: p.name });
    }
  }
  return { volumes, mounts };
}

/** What differs between web, sidekiq and the migration Job. */
export interface DiscoursePodOptions {
  component: Component;
  /** Image of the app container and the plugin init containers. */
  image: string;
  /** Container name, command and optional ports, probes, resources. */
  container: Pick<V1Container, "name" | "command"> &
    Partial<Pick<V1Container, "args">> &
    Partial<Pick<V1Container, "ports" | "readinessProbe" | "livenessProbe" | "startupProbe" | "resources">>;
  /** Literal, non-secret env entries of this process (e.g. UNICORN_PORT), placed first. */
  processEnv?: V1EnvVar[];
  /** Mount the uploads PVC (web and sidekiq; not the migration Job). */
  uploads: boolean;
  /** Pod-template annotations (the config hash). */
  annotations?: Record<string, string>;
  restartPolicy?: "Always" | "Never";
  /** The runtime's facts (the platform); optional for the migration Job. */
  build?: BuildOptions;
  /** Precompile assets in an init container and serve them from an emptyDir (web). */
  precompileAssets?: boolean;
}

/** Init container precompiling assets into ASSETS_STAGING; same settings, secrets and mounts as the app. */
function assetsInitContainer(obj: DefaultedDiscourse, o: DiscoursePodOptions, mounts: V1VolumeMount[]): V1Container {
  const c: V1Container = {
    name: "assets",
    image: o.image,
    imagePullPolicy: "IfNotPresent",
    workingDir: DISCOURSE_HOME,
    command: ["/bin/sh", "-c", ASSETS_PRECOMPILE_SCRIPT],
    envFrom: discourseEnvFrom(obj),
    env: [...(o.processEnv ?? []), ...discourseSecretEnv(obj)],
    volumeMounts: [...mounts, { name: ASSETS_VOLUME, mountPath: ASSETS_STAGING }],
    securityContext: containerSecurityContext(),
  };
  if (o.container.resources) c.resources = structuredClone(o.container.resources);
  return c;
}

function appContainer(obj: DefaultedDiscourse, o: DiscoursePodOptions, mounts: V1VolumeMount[]): V1Container {
  const c: V1Container = {
    ...o.container,
    image: o.image,
    imagePullPolicy: "IfNotPresent",
    workingDir: DISCOURSE_HOME,
    envFrom: discourseEnvFrom(obj),
    env: [...(o.processEnv ?? []), ...discourseSecretEnv(obj)],
    securityContext: containerSecurityContext(),
  };
  if (o.container.resources) c.resources = structuredClone(o.container.resources);
  if (mounts.length > 0) c.volumeMounts = mounts;
  return c;
}

/**
 * Pod template of a Discourse process. Labels: the four recommended labels of
 * `component`, plus the uploads label on pods that mount the uploads. No service account
 * token, no service links, non-root uid 1000; on OpenShift the ServiceAccount
 * `<name>-discourse`.
 */
export function buildDiscoursePodTemplate(obj: DefaultedDiscourse, o: DiscoursePodOptions): V1PodTemplateSpec {
  const { volumes, mounts } = volumesAndMounts(obj, o.uploads);
  const initContainers = pluginInitContainers(obj, o.image);
  let appMounts = mounts;
  if (o.precompileAssets) {
    volumes.push({ name: ASSETS_VOLUME, emptyDir: {} });
    initContainers.push(assetsInitContainer(obj, o, mounts));
    appMounts = [...mounts, { name: ASSETS_VOLUME, mountPath: ASSETS_PATH }];
  }
  const placement = o.uploads ? uploadsPlacement(obj, o.component) : undefined;
  const metadata: V1ObjectMeta = { labels: { ...childLabels(obj, o.component), ...(placement?.labels ?? {}) } };
  if (o.annotations) metadata.annotations = { ...o.annotations };
  const spec: V1PodSpec = {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: podSecurityContext(DISCOURSE_UID),
    containers: [appContainer(obj, o, appMounts)],
  };
  if (isOpenShift(obj, o.build ?? {})) spec.serviceAccountName = discourseServiceAccountName(obj);
  if (placement?.affinity) spec.affinity = placement.affinity;
  if (placement?.topologySpreadConstraints) spec.topologySpreadConstraints = placement.topologySpreadConstraints;
  if (o.restartPolicy) spec.restartPolicy = o.restartPolicy;
  if (initContainers.length > 0) spec.initContainers = initContainers;
  if (volumes.length > 0) spec.volumes = volumes;
  return { metadata, spec };
}
