/** Facts the runtime passes to the builders; everything else comes from the Discourse. */
import type { V1DeploymentStrategy } from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";

export interface BuildOptions {
  /**
   * Image the web and sidekiq Deployments run. Defaults to `spec.image`. The runtime
   * passes the image that is live now while the migration Job of `spec.version` has not
   * succeeded yet, so pods roll to a new version only after its migrations ran. The
   * migration Job always uses `spec.image`.
   */
  appImage?: string;
  /**
   * Storage request of the volumeClaimTemplate in the live StatefulSet `<name>-postgresql`,
   * when that exists. volumeClaimTemplates are immutable (an update changing them is
   * rejected), so the builder keeps the live value; a grown `database.storage.size`
   * reaches the volume through buildDatabaseClaimResize() instead.
   */
  liveDatabaseClaimTemplateStorage?: string;
  /** The same for the live StatefulSet `<name>-redis` (its data volume). */
  liveRedisClaimTemplateStorage?: string;
  /**
   * The cluster is OpenShift (it serves `security.openshift.io/v1`): pods must pass the
   * `restricted-v2` SCC. Unset: derived from `spec.ingress.kind` (see platform.ts).
   */
  openShift?: boolean;
}

/** The image of web and sidekiq: `opts.appImage`, else `spec.image`. */
export function appImage(obj: DefaultedDiscourse, opts: BuildOptions): string {
  return opts.appImage ?? obj.spec.image;
}

/**
 * Rollout of pods that mount the uploads volume. A ReadWriteOnce volume attaches to one
 * node, so a surge pod on another node could never start: `Recreate`. With
 * ReadWriteMany, roll one extra pod at a time and never go below the wanted count.
 */
export function uploadsStrategy(obj: DefaultedDiscourse): V1DeploymentStrategy {
  return obj.spec.storage.uploads.accessMode === "ReadWriteOnce"
    ? { type: "Recreate" }
    : { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
}
