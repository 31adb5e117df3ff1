/**
 * Deployment `<name>-web` (component `web`): the Rails app server (unicorn) on port 3000,
 * as discourse_docker runs it behind its nginx (config/unicorn.conf.rb listens on
 * UNICORN_PORT, on every interface when UNICORN_BIND_ALL is set). Sidekiq runs in its own
 * Deployment, so UNICORN_SIDEKIQS=0.
 *
 * - Assets: an init container precompiles them before unicorn starts, as the image's boot
 *   does (discourse-pod.ts, ASSETS_PRECOMPILE_SCRIPT), and Rails serves them itself
 *   (DISCOURSE_SERVE_STATIC_ASSETS, env-configmap.ts), there being no nginx in the pod.
 *   Init containers have no probes, so the precompile (minutes) does not count against the
 *   startup probe, which covers unicorn's boot only (STARTUP_BUDGET_SECONDS).
 * - Logs: LOGS_TO_STDOUT_SCRIPT links unicorn's log files to the container's streams.
 */
import type { V1Deployment, V1Probe } from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { buildDiscoursePodTemplate, LOGS_TO_STDOUT_SCRIPT } from "./discourse-pod.js";
import { envHash } from "./env-configmap.js";
import { childMeta, COMPONENTS, selectorLabels } from "./metadata.js";
import { webName } from "./names.js";
import { type BuildOptions, uploadsStrategy } from "./options.js";

/** Port of the app server in the web pods. */
export const WEB_PORT = 3000;
/** Discourse's health endpoint: answers `ok` once the app serves requests. */
export const STATUS_PATH = "/srv/status";
/** Startup probe budget: unicorn preloads the app before it listens (config/unicorn.conf.rb `preload_app true`). */
export const STARTUP_PERIOD_SECONDS = 10;
export const STARTUP_FAILURE_THRESHOLD = 30;
export const STARTUP_BUDGET_SECONDS = STARTUP_PERIOD_SECONDS * STARTUP_FAILURE_THRESHOLD;
/** The web command: unicorn as upstream's /etc/service/unicorn/run starts it, logs linked to stdout. */
export const WEB_COMMAND = [
  "/bin/sh",
  "-c",
  LOGS_TO_STDOUT_SCRIPT,
  "web",
  "bundle",
  "exec",
  "unicorn",
  "-E",
  "production",
  "-c",
  "config/unicorn.conf.rb",
];
/** Pod-template annotation holding configHash() of the `<name>-env` data. */
export const CONFIG_HASH_ANNOTATION = "discourse.cern/config-hash";

function statusProbe(periodSeconds: number, failureThreshold: number): V1Probe {
  return { httpGet: { path: STATUS_PATH, port: "http" }, periodSeconds, timeoutSeconds: 5, failureThreshold };
}

/**
 * The web Deployment: `spec.replicas` pods of `spec.image` (index.ts passes the Discourse
 * with the code web may run, options.ts ServedCode), resources
 * `spec.resources.web`. Startup probe allows STARTUP_BUDGET_SECONDS of boot after the
 * assets init container; readiness and liveness both GET /srv/status. `replicas: 0` gives 0. The pod template carries the config hash so a settings change
 * rolls the pods.
 */
export function buildWebDeployment(obj: DefaultedDiscourse, opts: BuildOptions = {}): V1Deployment {
  const template = buildDiscoursePodTemplate(obj, {
    component: COMPONENTS.web,
    image: obj.spec.image,
    uploads: true,
    annotations: { [CONFIG_HASH_ANNOTATION]: envHash(obj, opts) },
    build: opts,
    precompileAssets: true,
    processEnv: [
      { name: "UNICORN_BIND_ALL", value: "true" },
      { name: "UNICORN_PORT", value: String(WEB_PORT) },
      { name: "UNICORN_SIDEKIQS", value: "0" },
    ],
    container: {
      name: "web",
      command: WEB_COMMAND,
      ports: [{ name: "http", containerPort: WEB_PORT, protocol: "TCP" }],
      startupProbe: statusProbe(STARTUP_PERIOD_SECONDS, STARTUP_FAILURE_THRESHOLD),
      readinessProbe: statusProbe(10, 3),
      livenessProbe: statusProbe(20, 6),
      resources: obj.spec.resources.web,
    },
  });
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: childMeta(obj, COMPONENTS.web, webName(obj)),
    spec: {
      replicas: obj.spec.replicas,
      selector: { matchLabels: selectorLabels(obj, COMPONENTS.web) },
      strategy: uploadsStrategy(obj),
      template,
    },
  };
}
