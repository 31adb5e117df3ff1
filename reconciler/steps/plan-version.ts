/**
 * Migrations before rollout (API.md: the migration Job runs "before web and
 * sidekiq roll to a new version"). While `status.version` (what runs now)
 * differs from `spec.version` and the Job `<name>-migrate-<spec.version>` has
 * not succeeded, web and sidekiq keep the image they run. A first install
 * (no `status.version`) is not gated: nothing runs yet, and Discourse
 * migrates an empty database on its first boot.
 */
import type { DefaultedDiscourse } from "../../src/api/types.js";
import type { KubeObject } from "../client/kube-client.js";

export interface VersionPlan {
  /** Image for web and sidekiq when it is not `spec.image`. */
  appImage?: string;
  /** The version web and sidekiq run after this reconcile (status.version). */
  version: string;
  /** The migration Job web and sidekiq wait for. */
  waitingFor?: string;
  /** The Job failed for good (its backoffLimit is used up). */
  migrationFailed: boolean;
}

interface JobStatus {
  succeeded?: number;
  failed?: number;
  conditions?: { type: string; status: string }[];
}

function firstImage(deployment: KubeObject | undefined): string | undefined {
  const spec = deployment?.spec as { template?: { spec?: { containers?: { image?: string }[] } } } | undefined;
  return spec?.template?.spec?.containers?.[0]?.image;
}

/** `spec.image` with its tag replaced by `version` (when no live Deployment tells the old image). */
function imageOf(specImage: string, version: string): string {
  const at = specImage.lastIndexOf(":");
  const repo = at > specImage.lastIndexOf("/") ? specImage.slice(0, at) : specImage;
  return `${repo}:${version}`;
}

/**
 * @param liveWeb - the live web Deployment (its image is what runs now).
 * @param migrateJob - the live Job `<name>-migrate-<spec.version>`.
 */
export function planVersion(obj: DefaultedDiscourse, jobName: string, liveWeb: KubeObject | undefined, migrateJob: KubeObject | undefined): VersionPlan {
  const running = obj.status?.version;
  if (!running || running === obj.spec.version) return { version: obj.spec.version, migrationFailed: false };
  const job = (migrateJob?.status ?? {}) as JobStatus;
  if ((job.succeeded ?? 0) >= 1) return { version: obj.spec.version, migrationFailed: false };
  const failed = (job.conditions ?? []).some((c) => c.type === "Failed" && c.status === "True");
  return { appImage: firstImage(liveWeb) ?? imageOf(obj.spec.image, running), version: running, waitingFor: jobName, migrationFailed: failed };
}
