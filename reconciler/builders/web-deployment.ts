/**
 * Deployment `<name>-web` (component `web`): the Rails app server (unicorn) on port 3000,
 * as discourse_docker runs it behind its nginx (config/unicorn.conf.rb listens on
 * UNICORN_PORT, on every interface when UNICORN_BIND_ALL is set). Sidekiq runs in its own
 * Deployment, so UNICORN_SIDEKIQS=0.
 */
import type { V1Deployment, V1Probe } from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { buildDiscoursePodTemplate } from "./discourse-pod.js";
import { buildEnvConfigMap, configHash } from "./env-configmap.js";
import { childMeta, COMPONENTS, selectorLabels } from "./metadata.js";
import { webName } from "./names.js";
import { appImage, type BuildOptions, uploadsStrategy } from "./options.js";

/** Port of the app server in the web pods. */
export const WEB_PORT = 3000;
/** Discourse's health endpoint: answers `ok` once the app serves requests. */
export const STATUS_PATH = "/srv/status";
/** Pod-template annotation holding configHash() of the `<name>-env` data. */
export const CONFIG_HASH_ANNOTATION = "discourse.cern/config-hash";

function statusProbe(periodSeconds: number, failureThreshold: number): V1Probe {
  return { httpGet: { path: STATUS_PATH, port: "http" }, periodSeconds, timeoutSeconds: 5, failureThreshold };
}

/**
 * The web Deployment: `spec.replicas` pods of `opts.appImage ?? spec.image`, resources
 * `spec.resources.web`. Startup probe allows 10 minutes of boot; readiness and liveness
 * both GET /srv/status. The pod template carries the config hash so a settings change
 * rolls the pods.
 */
export function buildWebDeployment(obj: DefaultedDiscourse, opts: BuildOptions = {}): V1Deployment {
  const template = buildDiscoursePodTemplate(obj, {
    component: COMPONENTS.web,
    image: appImage(obj, opts),
    uploads: true,
    annotations: { [CONFIG_HASH_ANNOTATION]: configHash(buildEnvConfigMap(obj).data ?? {}) },
    processEnv: [
      { name: "UNICORN_BIND_ALL", value: "true" },
      { name: "UNICORN_PORT", value: String(WEB_PORT) },
      { name: "UNICORN_SIDEKIQS", value: "0" },
    ],
    container: {
      name: "web",
      command: ["bundle", "exec", "unicorn", "-E", "production", "-c", "config/unicorn.conf.rb"],
      ports: [{ name: "http", containerPort: WEB_PORT, protocol: "TCP" }],
      startupProbe: statusProbe(10, 60),
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
