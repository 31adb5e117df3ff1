/**
 * One reading of a Job's outcome (reconciler/steps/job-state.ts) for every Job of the
 * operator: the backup controller's `jobOutcome` is `jobState` with `active` split by
 * whether the Job started. Kubernetes "Jobs", "Termination of Job pods": `FailureTarget` and
 * `SuccessCriteriaMet` come before `Failed` and `Complete`, while the last pods terminate.
 */
import { expect } from "chai";
import { jobOutcome } from "../../../reconciler/backups/backup-status.js";
import type { KubeObject } from "../../../reconciler/client/kube-client.js";
import { jobState, type JobState } from "../../../reconciler/steps/job-state.js";

const job = (status?: Record<string, unknown>): KubeObject => ({ apiVersion: "batch/v1", kind: "Job", metadata: { name: "j", namespace: "ns" }, ...(status ? { status } : {}) });
const cond = (type: string, status = "True"): { type: string; status: string } => ({ type, status });
const started = "2026-05-02T09:00:00Z";

describe("job state: one reading of a Job's conditions", () => {
  const cases: { name: string; job?: KubeObject; state: JobState; outcome: string }[] = [
    { name: "no Job", state: "absent", outcome: "none" },
    { name: "created, not started", job: job(), state: "active", outcome: "waiting" },
    { name: "a pod running", job: job({ startTime: started, active: 1 }), state: "active", outcome: "running" },
    { name: "a pod failed, retries left", job: job({ startTime: started, failed: 1, active: 1 }), state: "active", outcome: "running" },
    { name: "FailureTarget while the last pod terminates: failed already", job: job({ startTime: started, failed: 1, terminating: 1, conditions: [cond("FailureTarget")] }), state: "failed", outcome: "failed" },
    { name: "Failed", job: job({ startTime: started, failed: 3, conditions: [cond("FailureTarget"), cond("Failed")] }), state: "failed", outcome: "failed" },
    { name: "SuccessCriteriaMet while the pods terminate: succeeded already", job: job({ startTime: started, conditions: [cond("SuccessCriteriaMet")] }), state: "succeeded", outcome: "succeeded" },
    { name: "Complete", job: job({ startTime: started, succeeded: 1, conditions: [cond("SuccessCriteriaMet"), cond("Complete")] }), state: "succeeded", outcome: "succeeded" },
    { name: "one pod succeeded before any condition", job: job({ startTime: started, succeeded: 1 }), state: "succeeded", outcome: "succeeded" },
    { name: "a condition that is False counts for nothing", job: job({ startTime: started, active: 1, conditions: [cond("FailureTarget", "False"), cond("Complete", "False")] }), state: "active", outcome: "running" },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(jobState(c.job)).to.equal(c.state);
      expect(jobOutcome(c.job)).to.equal(c.outcome);
    });
  }
});
