/**
 * The state of a Job from its status, as the Job controller reports it: the one reading of
 * a Job's outcome for every Job the operator runs (migrations, database init, restore,
 * backup, cleanup).
 *
 * Source: Kubernetes "Jobs", sections "Job termination and cleanup" and "Termination of Job
 * pods" (https://kubernetes.io/docs/concepts/workloads/controllers/job/#termination-of-job-pods):
 * once a Job meets its failure or success criteria the Job controller adds `FailureTarget`
 * or `SuccessCriteriaMet`, terminates the remaining pods, and only then adds the terminal
 * `Failed` or `Complete` condition (since Kubernetes 1.31). The outcome is decided by the
 * first pair already, so a Job is read as finished from that moment on.
 *
 * - `failed`: condition `Failed` or `FailureTarget` is True (checked first: a Job that met
 *   its failure criteria does not succeed afterwards);
 * - `succeeded`: `Complete` or `SuccessCriteriaMet` is True, or `succeeded` ≥ 1 (every Job
 *   the operator makes has one completion);
 * - `active`: it exists and has neither (not started, running, or retrying);
 * - `absent`: no Job.
 */
import type { KubeObject } from "../client/kube-client.js";

export type JobState = "absent" | "active" | "succeeded" | "failed";

interface JobStatus {
  succeeded?: number;
  conditions?: { type?: string; status?: string }[];
}

/**
 * See the file comment.
 * @param job - the live Job, or undefined when there is none.
 */
export function jobState(job: KubeObject | undefined): JobState {
  if (!job) return "absent";
  const status = (job.status ?? {}) as JobStatus;
  const isTrue = (type: string): boolean => (status.conditions ?? []).some((c) => c.type === type && c.status === "True");
  if (isTrue("Failed") || isTrue("FailureTarget")) return "failed";
  if (isTrue("Complete") || isTrue("SuccessCriteriaMet") || (status.succeeded ?? 0) >= 1) return "succeeded";
  return "active";
}
