/**
 * The state of a Job from its status, as the Job controller reports it
 * (https://kubernetes.io/docs/concepts/workloads/controllers/job/#job-termination-and-cleanup):
 * `Complete` (or `succeeded` ≥ 1 for a one-pod Job) when it succeeded, `Failed`
 * when its backoffLimit is used up (or `FailureTarget`, set just before
 * `Failed` since Kubernetes 1.31, while the last pods terminate).
 */
import type { KubeObject } from "../client/kube-client.js";

export type JobState = "absent" | "active" | "succeeded" | "failed";

interface JobStatus {
  succeeded?: number;
  conditions?: { type?: string; status?: string }[];
}

/** See the file comment. */
export function jobState(job: KubeObject | undefined): JobState {
  if (!job) return "absent";
  const status = (job.status ?? {}) as JobStatus;
  const isTrue = (type: string): boolean => (status.conditions ?? []).some((c) => c.type === type && c.status === "True");
  if (isTrue("Failed") || isTrue("FailureTarget")) return "failed";
  if (isTrue("Complete") || (status.succeeded ?? 0) >= 1) return "succeeded";
  return "active";
}
