/**
 * Deployment `<name>-sidekiq` (component `sidekiq`): Discourse's background jobs, run
 * standalone, same settings, secrets, uploads and plugins as web.
 *
 * Queues: upstream starts sidekiq from the unicorn master (discourse `lib/demon/sidekiq.rb`,
 * `Demon::Sidekiq#after_fork`) with `-q critical,8 -q default,4 -q low,2 -q ultra_low,1`,
 * `-c GlobalSetting.sidekiq_workers` (discourse `config/discourse_defaults.conf`:
 * `sidekiq_workers = 5`) and `-t 5` (SIDEKIQ_SHUTDOWN_TIMEOUT_SECONDS). The app's
 * config/sidekiq.yml has only a development section, so these arguments are given here.
 * Sidekiq logs to stdout.
 */
import type { V1Deployment } from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { buildDiscoursePodTemplate, LOGS_TO_STDOUT_SCRIPT } from "./discourse-pod.js";
import { envHash } from "./env-configmap.js";
import { childMeta, COMPONENTS, selectorLabels } from "./metadata.js";
import { sidekiqName } from "./names.js";
import { type BuildOptions, uploadsStrategy } from "./options.js";
import { CONFIG_HASH_ANNOTATION } from "./web-deployment.js";

/** Discourse's queues and their weights, in lib/demon/sidekiq.rb's order. */
export const SIDEKIQ_QUEUES: readonly (readonly [name: string, weight: number])[] = [
  ["critical", 8],
  ["default", 4],
  ["low", 2],
  ["ultra_low", 1],
];
/** Worker threads (discourse_defaults.conf `sidekiq_workers`) and shutdown timeout in seconds (lib/demon/sidekiq.rb). */
export const SIDEKIQ_CONCURRENCY = 5;
export const SIDEKIQ_SHUTDOWN_TIMEOUT_SECONDS = 5;

/** `bundle exec sidekiq -c 5 -t 5 -q critical,8 …`, behind the log links. */
export function sidekiqCommand(): string[] {
  const queues = SIDEKIQ_QUEUES.flatMap(([name, weight]) => ["-q", `${name},${weight}`]);
  return [
    "/bin/sh",
    "-c",
    LOGS_TO_STDOUT_SCRIPT,
    "sidekiq",
    "bundle",
    "exec",
    "sidekiq",
    "-c",
    String(SIDEKIQ_CONCURRENCY),
    "-t",
    String(SIDEKIQ_SHUTDOWN_TIMEOUT_SECONDS),
    ...queues,
  ];
}

/**
 * The sidekiq Deployment: `spec.sidekiq.replicas` pods, none when `spec.replicas` is 0
 * (maintenance stops the forum, API.md), resources `spec.resources.sidekiq`,
 * resources `spec.resources.sidekiq`, image `spec.image`. No HTTP
 * endpoint, so no probes: a crashed sidekiq exits and is restarted. Its grace period covers
 * sidekiq's `-t 5` plus the 5 s upstream adds (lib/demon/sidekiq.rb `stop_timeout`).
 */
export function buildSidekiqDeployment(obj: DefaultedDiscourse, opts: BuildOptions = {}): V1Deployment {
  const template = buildDiscoursePodTemplate(obj, {
    component: COMPONENTS.sidekiq,
    image: obj.spec.image,
    uploads: true,
    annotations: { [CONFIG_HASH_ANNOTATION]: envHash(obj, opts) },
    build: opts,
    container: {
      name: "sidekiq",
      command: sidekiqCommand(),
      resources: obj.spec.resources.sidekiq,
    },
  });
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: childMeta(obj, COMPONENTS.sidekiq, sidekiqName(obj)),
    spec: {
      replicas: obj.spec.replicas === 0 ? 0 : obj.spec.sidekiq.replicas,
      selector: { matchLabels: selectorLabels(obj, COMPONENTS.sidekiq) },
      strategy: uploadsStrategy(obj),
      template,
    },
  };
}
