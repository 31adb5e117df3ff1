/**
 * The status of one DiscourseBackup, computed from its Job and, once the Job finished, the
 * termination message of its pod (the script's one-line JSON summary on success, the tail
 * of its log on failure: reconciler/builders/backup-pod.ts). Pure.
 *
 * Pending (no Job yet, or not started) → Running (the Job has a start time) → Completed
 * (the Job's Complete condition) or Failed (its Failed condition, or no Discourse to back
 * up). Completed and Failed are final. Sizes and checksums are filled when the pod said
 * them: a simulated node (KWOK) runs no script, so Completed never depends on them.
 */
import type { DiscourseBackupStatus } from "../../src/api/types.js";
import type { KubeObject } from "../client/kube-client.js";
import { jobState } from "../steps/job-state.js";

/** What the backup script reports (backup-scripts.ts, `summary.json`). */
export interface BackupSummary {
  sizeBytes?: number;
  sha256?: Record<string, string>;
  discourseVersion?: string;
  databaseVersion?: string;
}

interface JobStatus {
  startTime?: string;
  completionTime?: string;
  active?: number;
  succeeded?: number;
  conditions?: Array<{ type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string }>;
}

export type JobOutcome = "none" | "waiting" | "running" | "succeeded" | "failed";

/**
 * Where a Job is: absent (`none`), not started (`waiting`), started (`running`), or finished
 * one way or the other. Finished is `jobState` (reconciler/steps/job-state.ts, the one reading
 * of a Job's conditions, `FailureTarget` and `SuccessCriteriaMet` included); this only splits
 * its `active` by whether the Job has started (a start time or an active pod).
 */
export function jobOutcome(job: KubeObject | undefined): JobOutcome {
  const state = jobState(job);
  if (state === "absent") return "none";
  if (state !== "active") return state;
  const s = (job?.status ?? {}) as JobStatus;
  return s.startTime || (s.active ?? 0) > 0 ? "running" : "waiting";
}

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Reads the script's summary from a termination message.
 * @returns the fields that are well-formed; null when the message is not the summary.
 */
export function parseSummary(message: string | undefined): BackupSummary | null {
  if (!message) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(message);
  } catch {
    return null;
  }
  if (typeof raw !== "object" || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const out: BackupSummary = {};
  if (typeof r.sizeBytes === "number" && Number.isSafeInteger(r.sizeBytes) && r.sizeBytes >= 0) out.sizeBytes = r.sizeBytes;
  if (typeof r.sha256 === "object" && r.sha256 !== null) {
    const sums = Object.entries(r.sha256 as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === "string" && HEX64.test(e[1]));
    if (sums.length > 0) out.sha256 = Object.fromEntries(sums);
  }
  if (typeof r.discourseVersion === "string" && r.discourseVersion) out.discourseVersion = r.discourseVersion;
  if (typeof r.databaseVersion === "string" && r.databaseVersion) out.databaseVersion = r.databaseVersion;
  return out;
}

export interface BackupFacts {
  /** The backup's Job, when it exists. */
  job?: KubeObject;
  jobName: string;
  /** pvc/<claim>/<backup>. */
  location: string;
  /** The Discourse named by spec.discourse exists. */
  discourseExists: boolean;
  /** The termination message of the Job's finished pod, when read. */
  podMessage?: string;
  now: string;
  generation?: number;
}

/** `o` without its undefined values (status objects compare and serialise without them). */
export function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

type Conditions = NonNullable<DiscourseBackupStatus["conditions"]>;

function condition(status: "True" | "False" | "Unknown", reason: string, message: string, previous: DiscourseBackupStatus | undefined, f: BackupFacts): Conditions {
  const old = previous?.conditions?.find((c) => c.type === "Completed");
  const lastTransitionTime = old && old.status === status ? old.lastTransitionTime : f.now;
  return [compact({ type: "Completed", status, reason, message, lastTransitionTime, observedGeneration: f.generation })];
}

function failedMessage(job: KubeObject | undefined, jobName: string, podMessage: string | undefined): string {
  const s = (job?.status ?? {}) as JobStatus;
  // Failed, or FailureTarget while the last pods terminate (job-state.ts): both say why
  const failed = ["Failed", "FailureTarget"].map((t) => (s.conditions ?? []).find((c) => c.type === t && c.status === "True")).find(Boolean);
  const why = [failed?.reason, failed?.message].filter(Boolean).join(": ");
  const tail = podMessage?.trim().split("\n").slice(-3).join(" | ").slice(0, 500);
  return `backup Job ${jobName} failed${why ? ` (${why})` : ""}${tail ? `: ${tail}` : ""}`;
}

type Phase = NonNullable<DiscourseBackupStatus["phase"]>;

/** One status of `phase`, with what every status carries. */
function statusOf(phase: Phase, cond: { status: "True" | "False" | "Unknown"; reason: string }, message: string, previous: DiscourseBackupStatus | undefined, f: BackupFacts, extra: Partial<DiscourseBackupStatus> = {}): DiscourseBackupStatus {
  const startedAt = previous?.startedAt ?? ((f.job?.status ?? {}) as JobStatus).startTime;
  return compact({
    phase,
    location: f.location,
    jobName: f.jobName,
    observedGeneration: f.generation,
    startedAt: phase === "Pending" ? undefined : startedAt,
    ...extra,
    message,
    conditions: condition(cond.status, cond.reason, message, previous, f),
  });
}

/**
 * When the Job succeeded, as the Job controller recorded it: `completionTime` (set with
 * `Complete`), else the time of `SuccessCriteriaMet`, which comes first (job-state.ts).
 */
function succeededAt(job: KubeObject | undefined): string | undefined {
  const s = (job?.status ?? {}) as JobStatus;
  return s.completionTime ?? (s.conditions ?? []).find((c) => c.type === "SuccessCriteriaMet" && c.status === "True")?.lastTransitionTime;
}

type Builder = (previous: DiscourseBackupStatus | undefined, f: BackupFacts) => DiscourseBackupStatus;

const BUILDERS: Record<JobOutcome, Builder> = {
  none: (p, f) => statusOf("Pending", { status: "Unknown", reason: "Pending" }, "waiting for its Job to be created", p, f),
  waiting: (p, f) => statusOf("Pending", { status: "Unknown", reason: "Pending" }, `waiting for Job ${f.jobName} to start`, p, f),
  running: (p, f) => statusOf("Running", { status: "Unknown", reason: "Running" }, `Job ${f.jobName} is writing the backup`, p, f),
  succeeded: (p, f) => {
    const completedAt = succeededAt(f.job) ?? f.now;
    return statusOf("Completed", { status: "True", reason: "Completed" }, `backup written to ${f.location}`, p, f, { completedAt, ...(parseSummary(f.podMessage) ?? {}) });
  },
  failed: (p, f) => statusOf("Failed", { status: "False", reason: "JobFailed" }, failedMessage(f.job, f.jobName, f.podMessage), p, f, { completedAt: f.now }),
};

const discourseNotFound: Builder = (p, f) =>
  statusOf("Failed", { status: "False", reason: "DiscourseNotFound" }, "the Discourse it names does not exist: nothing to back up", p, f, { completedAt: f.now });

/**
 * The next status of a backup.
 * @param previous - the status now; a final phase (Completed, Failed) is kept as it is.
 */
export function nextBackupStatus(previous: DiscourseBackupStatus | undefined, f: BackupFacts): DiscourseBackupStatus {
  if (previous?.phase === "Completed" || previous?.phase === "Failed") return previous;
  const outcome = jobOutcome(f.job);
  return (outcome === "none" && !f.discourseExists ? discourseNotFound : BUILDERS[outcome])(previous, f);
}
