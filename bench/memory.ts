/**
 * memory.rss_mb: resident memory (VmRSS) of the operator process with N
 * forums reconciled and idle: the largest of five samples, 500 ms apart.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { OperatorProcess } from "./operator-process.js";

export interface MemoryFigures {
  "memory.rss_mb": number;
}

export async function measureMemory(op: OperatorProcess): Promise<MemoryFigures> {
  let max = 0;
  for (let i = 0; i < 5; i++) {
    max = Math.max(max, op.rssMb());
    await sleep(500);
  }
  return { "memory.rss_mb": max };
}
