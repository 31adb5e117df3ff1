/**
 * The pod template shared by every pod that runs Discourse itself: the web and sidekiq
 * Deployments and the migration Job. One place decides how settings, secrets, uploads and
 * plugins reach the Rails application.
 *
 * - Settings: `envFrom` the ConfigMap `<name>-env` (non-secret only).
 * - Secrets: `secretKeyRef` env entries only: DISCOURSE_DB_PASSWORD (key `password` of the
 *   credentials Secret), DISCOURSE_REDIS_PASSWORD and DISCOURSE_SMTP_PASSWORD when their
 *   Secrets are given, and every `spec.env` entry that has `valueFrom`.
 * - Uploads: the PVC `<name>-uploads` at /var/www/discourse/public/uploads, where Rails
 *   stores local uploads (discourse_docker symlinks the same directory to /shared/uploads).
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
import { envConfigMapName, uploadsClaimName } from "./names.js";
import { containerSecurityContext, DISCOURSE_UID, podSecurityContext } from "./security.js";

/** Rails root of the Discourse image (discourse_docker `home`). */
export const DISCOURSE_HOME = "/var/www/discourse";
/** Where local uploads live. */
export const UPLOADS_MOUNT_PATH = `${DISCOURSE_HOME}/public/uploads`;
/** Directory Discourse loads plugins from. */
export const PLUGINS_PATH = `${DISCOURSE_HOME}/plugins`;
const UPLOADS_VOLUME = "uploads";
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
  const volumes: V1Volume[] = [];
  const mounts: V1VolumeMount[] = [];
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
    Partial<Pick<V1Container, "ports" | "readinessProbe" | "livenessProbe" | "startupProbe" | "resources">>;
  /** Literal, non-secret env entries of this process (e.g. UNICORN_PORT), placed first. */
  processEnv?: V1EnvVar[];
  /** Mount the uploads PVC (web and sidekiq; not the migration Job). */
  uploads: boolean;
  /** Pod-template annotations (the config hash). */
  annotations?: Record<string, string>;
  restartPolicy?: "Always" | "Never";
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
 * `component`. No service account token, no service links, non-root uid 1000.
 */
export function buildDiscoursePodTemplate(obj: DefaultedDiscourse, o: DiscoursePodOptions): V1PodTemplateSpec {
  const { volumes, mounts } = volumesAndMounts(obj, o.uploads);
  const initContainers = pluginInitContainers(obj, o.image);
  const metadata: V1ObjectMeta = { labels: childLabels(obj, o.component) };
  if (o.annotations) metadata.annotations = { ...o.annotations };
  const spec: V1PodSpec = {
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    securityContext: podSecurityContext(DISCOURSE_UID),
    containers: [appContainer(obj, o, mounts)],
  };
  if (o.restartPolicy) spec.restartPolicy = o.restartPolicy;
  if (initContainers.length > 0) spec.initContainers = initContainers;
  if (volumes.length > 0) spec.volumes = volumes;
  return { metadata, spec };
}
