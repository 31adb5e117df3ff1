/**
 * memory.rss_mb: resident memory (VmRSS) of the operator process with N
 * forums reconciled and idle: the largest of five samples, 500 ms apart.
 * memory.rss_mb_per_100_forums: the slope between two sizes, the same
 * measurement with 0 forums (the operator synced on an empty namespace) and N.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { OperatorProcess } from "./operator-process.js";

export interface MemoryFigures {
  "memory.rss_mb": number;
  "memory.rss_mb_per_100_forums": number;
}

/** The largest VmRSS of five samples 500 ms apart, MiB. */
export async function sampleRss(op: OperatorProcess): Promise<number> {
  let max = 0;
  for (let i = 0; i < 5; i++) {
    max = Math.max(max, op.rssMb());
    await sleep(500);
  }
  return max;
}

/** @param emptyRssMb - sampleRss of the same process before any forum existed. */
export async function measureMemory(op: OperatorProcess, instances: number, emptyRssMb: number): Promise<MemoryFigures> {
  const rss = await sampleRss(op);
  return { "memory.rss_mb": rss, "memory.rss_mb_per_100_forums": ((rss - emptyRssMb) / instances) * 100 };
}
