/**
 * Five-field cron expressions (minute, hour, day of month, month, day of week; the format
 * of Kubernetes CronJobs, https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/#schedule-syntax),
 * evaluated in UTC with `cron-parser`. Used by the validating webhook (is it valid?) and by
 * the reconciler's schedule (when was the last run due, when is the next?).
 */
import { createRequire } from "node:module";
import type { CronExpression } from "cron-parser";

type CronParser = typeof import("cron-parser").CronExpressionParser;
let cronParser: CronParser | undefined;

/**
 * cron-parser, loaded on first use: most forums have no schedule, and it brings luxon
 * (about 1 MiB of V8 heap in every process that only imports this module).
 */
function parser(): CronParser {
  cronParser ??= (createRequire(import.meta.url)("cron-parser") as typeof import("cron-parser")).CronExpressionParser;
  return cronParser;
}

/** Five fields separated by spaces: no seconds field, no `@daily` macros. */
const FIVE_FIELDS = /^\S+( +\S+){4}$/;

function parse(expr: string, currentDate: Date): CronExpression {
  if (!FIVE_FIELDS.test(expr.trim())) throw new Error("expected five fields: minute hour day-of-month month day-of-week");
  return parser().parse(expr.trim(), { currentDate, tz: "UTC" });
}

/**
 * Checks a schedule.
 * @returns null when `expr` is a valid five-field cron expression, else why not.
 */
export function scheduleError(expr: string): string | null {
  try {
    parse(expr, new Date(0)).next();
    return null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * The latest time at or before `now` the schedule was due (to the minute).
 * @throws Error when `expr` is not a valid schedule.
 */
export function lastDue(expr: string, now: Date): Date {
  // prev() is strictly before currentDate: start one millisecond after `now`.
  return parse(expr, new Date(now.getTime() + 1)).prev().toDate();
}

/**
 * The first time strictly after `after` the schedule is due.
 * @throws Error when `expr` is not a valid schedule.
 */
export function nextDue(expr: string, after: Date): Date {
  return parse(expr, after).next().toDate();
}
