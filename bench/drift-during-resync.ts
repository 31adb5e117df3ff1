/**
 * drift.during_resync_*: drift trials while a full periodic resync of the fleet
 * is queued. Trials start, TRIALS_PER_WINDOW at once on different forums, only when the
 * operator's work queue holds at least `minQueued` resync keys
 * (`discourse_operator_work_queue_depth{cause="resync"}`), i.e. the deleted children's
 * events arrive behind most of a resync; each trial's clock runs
 * from just before the DELETE to the watch event of the recreated object (as in
 * drift.ts). The forums are taken from the end of the fleet backwards, so a trial's
 * forum is one the resync has usually not reached yet.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { expectStatus, type BenchCluster } from "./cluster.js";
import type { ChildWatcher } from "./child-watcher.js";
import { childKey, forumName } from "./forums.js";
import type { OperatorProcess } from "./operator-process.js";
import { percentile } from "./stats.js";

/**
 * One trial's timeline, in milliseconds from just before its DELETE: the DELETE's answer,
 * the benchmark's own watch seeing the object gone, and seeing it recreated. Tells a wait in
 * the apiserver (the DELETED event itself late) from one in the operator (the event on time,
 * the recreate late).
 */
export interface DriftTimeline {
  child: string;
  /** Wall-clock time of the DELETE (Date.now()), to find the trial in the operator's log. */
  startedAt: number;
  deleteAnsweredMs: number;
  goneSeenMs: number;
  recreatedMs: number;
}

export interface DriftDuringResyncFigures {
  "drift.during_resync_p50_ms": number;
  "drift.during_resync_p99_ms": number;
}

const DEPTH = "discourse_operator_work_queue_depth";
/** Drift trials started together once a resync with enough queued keys is seen. */
const TRIALS_PER_WINDOW = 10;

async function waitForQueuedResync(op: OperatorProcess, minQueued: number, deadline: number): Promise<number> {
  for (;;) {
    const queued = await op.counter(DEPTH, 'cause="resync"');
    if (queued >= minQueued) return queued;
    if (Date.now() > deadline) throw new Error(`no resync with ${minQueued} queued keys came in time`);
    await sleep(queued > 0 ? 5 : 100);
  }
}

/**
 * @param opts.periodS - the operator's resync period; the trials give up after 6 periods.
 * @returns no figures, and `skipped` saying why, when no resync with enough queued keys was
 *   seen within 2 periods: a small fleet's resync drains in milliseconds (200 no-op reconciles
 *   on 16 workers), faster than the queue metric is polled, so there is nothing to measure
 *   "during" it; the target of this figure is at 2,000 forums.
 *   When trials started but fewer than `trials` fit in 6 periods, the figures are those of the
 *   trials made, and `skipped` says how many.
 * @throws Error when a child is not recreated within `timeoutMs`.
 */
export async function measureDriftDuringResync(
  cluster: BenchCluster, watcher: ChildWatcher, op: OperatorProcess, namespace: string,
  opts: { instances: number; trials: number; timeoutMs: number; periodS: number },
): Promise<{ figures: Partial<DriftDuringResyncFigures>; samples: number[]; queuedAtStart: number[]; timelines: DriftTimeline[]; skipped?: string }> {
  const samples: number[] = [];
  const timelines: DriftTimeline[] = [];
  const queuedAtStart: number[] = [];
  const minQueued = Math.max(1, Math.floor(opts.instances / 10));
  const deadline = Date.now() + 6 * opts.periodS * 1000 + 60_000;
  const firstDeadline = Date.now() + 2 * opts.periodS * 1000 + 10_000;
  const trial = async (i: number): Promise<number> => {
    const suffix = i % 2 === 0 ? "-web" : "-env";
    const [kind, plural] = i % 2 === 0 ? ["Service", "services"] : ["ConfigMap", "configmaps"];
    const name = `${forumName(opts.instances - 1 - (i % opts.instances))}${suffix}`;
    const key = childKey(kind, name);
    const uid = watcher.uid(key);
    if (!uid) throw new Error(`${key} does not exist before the trial`);
    const startedAt = Date.now();
    const t0 = performance.now();
    const recreated = watcher.waitForRecreated(key, uid, opts.timeoutMs);
    const gone = watcher.waitForGone(key, uid, opts.timeoutMs);
    expectStatus(await cluster.api("DELETE", `/api/v1/namespaces/${namespace}/${plural}/${name}`), [200], `deleting ${key}`);
    const answered = performance.now();
    const [goneAt, recreatedAt] = await Promise.all([gone, recreated]);
    const ms = (t: number): number => Math.round((t - t0) * 10) / 10;
    timelines.push({ child: key, startedAt, deleteAnsweredMs: ms(answered), goneSeenMs: ms(goneAt), recreatedMs: ms(recreatedAt) });
    return recreatedAt - t0;
  };
  while (samples.length < opts.trials) {
    // the first window gives up sooner: none in 2 periods means the resyncs drain too fast to be seen
    const queued = await waitForQueuedResync(op, minQueued, samples.length === 0 ? firstDeadline : deadline).catch(() => undefined);
    if (queued === undefined) break; // fewer trials than asked fitted: reported with the samples taken
    // A batch of drifts at once, each timed alone: a resync without I/O drains 2,000 keys in
    // about a second, one window per period, so one trial per window would need 25 minutes.
    const batch = Array.from({ length: Math.min(TRIALS_PER_WINDOW, opts.trials - samples.length) }, (_, j) => samples.length + j);
    queuedAtStart.push(...batch.map(() => queued));
    samples.push(...(await Promise.all(batch.map(trial))));
  }
  if (samples.length === 0) return { figures: {}, samples, queuedAtStart, timelines, skipped: `no resync with ${minQueued} keys queued was seen in ${2 * opts.periodS + 10} s: each drained faster than the queue metric is polled` };
  const short = samples.length < opts.trials ? { skipped: `only ${samples.length} of ${opts.trials} trials found a resync with ${minQueued} keys queued in ${6 * opts.periodS + 60} s` } : {};
  return { figures: { "drift.during_resync_p50_ms": percentile(samples, 50), "drift.during_resync_p99_ms": percentile(samples, 99) }, samples, queuedAtStart, timelines, ...short };
}
