/**
 * CPU seconds each process of a phase used while it was timed: the control plane's
 * (etcd, kube-apiserver, kube-controller-manager), the operator's and the benchmark's
 * own. Where reconcile.ratio's extra time went (the machine is shared by all of them),
 * in `.bench/latest.detail.json` (`cpuSecondsFloor`, `cpuSecondsConverge`).
 * From /proc/<pid>/stat: utime and stime (fields 14 and 15), in clock ticks (proc(5)).
 */
import { readFileSync } from "node:fs";

/** USER_HZ: the unit of utime and stime on Linux (sysconf(_SC_CLK_TCK), 100 on every Linux ABI in use). */
const CLOCK_TICKS_PER_S = 100;

function ticks(pid: number): number | undefined {
  try {
    // the command name (field 2) is in parentheses and may hold spaces: split after its ')'
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return String(pid);
  }
}

/**
 * Starts counting. @param pids - named processes, e.g. `{ operator: 123 }`; the control
 * plane's `planePids` are named by their command (`etcd`, `kube-apiserver`, ...).
 * @returns a function giving the CPU seconds each used since, the benchmark's own as `bench`.
 */
export function cpuMeter(planePids: number[], pids: Record<string, number> = {}): () => Record<string, number> {
  const named: Record<string, number> = { ...Object.fromEntries(planePids.map((p) => [comm(p), p])), ...pids };
  const start = Object.fromEntries(Object.entries(named).map(([n, p]) => [n, ticks(p) ?? 0]));
  const self = process.cpuUsage();
  return () => {
    const out: Record<string, number> = {};
    for (const [n, p] of Object.entries(named)) out[n] = Math.round((((ticks(p) ?? 0) - (start[n] ?? 0)) / CLOCK_TICKS_PER_S) * 10) / 10;
    const own = process.cpuUsage(self);
    out.bench = Math.round((own.user + own.system) / 1e5) / 10;
    return out;
  };
}
