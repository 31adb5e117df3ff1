/**
 * Deployment `<name>-sidekiq` (component `sidekiq`): Discourse's background jobs, run
 * standalone with the queues of the app's config/sidekiq.yml, same settings, secrets,
 * uploads and plugins as web.
 */
import type { V1Deployment } from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { buildDiscoursePodTemplate } from "./discourse-pod.js";
import { buildEnvConfigMap, configHash } from "./env-configmap.js";
import { childMeta, COMPONENTS, selectorLabels } from "./metadata.js";
import { sidekiqName } from "./names.js";
import { appImage, type BuildOptions, uploadsStrategy } from "./options.js";
import { CONFIG_HASH_ANNOTATION } from "./web-deployment.js";

/**
 * The sidekiq Deployment: `spec.sidekiq.replicas` pods, resources `spec.resources.sidekiq`,
 * image `opts.appImage ?? spec.image`. No HTTP endpoint, so no probes: a crashed sidekiq
 * exits and is restarted.
 */
export function buildSidekiqDeployment(obj: DefaultedDiscourse, opts: BuildOptions = {}): V1Deployment {
  const template = buildDiscoursePodTemplate(obj, {
    component: COMPONENTS.sidekiq,
    image: appImage(obj, opts),
    uploads: true,
    annotations: { [CONFIG_HASH_ANNOTATION]: configHash(buildEnvConfigMap(obj).data ?? {}) },
    container: {
      name: "sidekiq",
      command: ["bundle", "exec", "sidekiq", "-C", "config/sidekiq.yml"],
      resources: obj.spec.resources.sidekiq,
    },
  });
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: childMeta(obj, COMPONENTS.sidekiq, sidekiqName(obj)),
    spec: {
      replicas: obj.spec.sidekiq.replicas,
      selector: { matchLabels: selectorLabels(obj, COMPONENTS.sidekiq) },
      strategy: uploadsStrategy(obj),
      template,
    },
  };
}
