/**
 * metav1.Condition bookkeeping (https://github.com/kubernetes/community/blob/master/contributors/devel/sig-architecture/api-conventions.md#typical-status-properties):
 * `lastTransitionTime` moves only when `status` changes; `observedGeneration`
 * names the generation the condition was computed for.
 */
import type { ConditionType } from "../../src/api/constants.js";
import type { Condition } from "../../src/api/types.js";

/** A condition before bookkeeping. */
export interface ConditionInput {
  type: ConditionType;
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
}

/**
 * Merges `next` into `current` (a new array; the input is not changed).
 * @param now - ISO 8601 time used for conditions whose status changes or that are new.
 */
export function setConditions(current: Condition[] | undefined, next: ConditionInput[], generation: number | undefined, now: string): Condition[] {
  const out = [...(current ?? [])];
  for (const c of next) {
    const i = out.findIndex((o) => o.type === c.type);
    const prev = i >= 0 ? out[i] : undefined;
    const lastTransitionTime = prev && prev.status === c.status ? prev.lastTransitionTime : now;
    const cond: Condition = { ...c, lastTransitionTime, ...(generation !== undefined ? { observedGeneration: generation } : {}) };
    if (i >= 0) out[i] = cond;
    else out.push(cond);
  }
  return out;
}
