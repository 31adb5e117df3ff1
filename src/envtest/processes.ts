/**
 * Starting and stopping the control-plane processes so that none is left
 * behind: each runs in its own process group; `stopGroups` ends the groups
 * (SIGTERM, then SIGKILL after a grace period); a reaper process ends them when
 * the owning process dies, even by SIGKILL.
 */
import { spawn } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

/** Whether a process (or process group, for a negative id) exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Starts `bin` detached in its own process group, stdout and stderr appended to `logFile`.
 * @param env - its environment (default: this process's).
 * @returns the pid, which is also the process-group id.
 */
export function startDetached(bin: string, args: string[], logFile: string, env?: NodeJS.ProcessEnv): number {
  const fd = openSync(logFile, "a");
  const child = spawn(bin, args, { detached: true, stdio: ["ignore", fd, fd], ...(env ? { env } : {}) });
  closeSync(fd);
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${bin}`);
  return child.pid;
}

/**
 * Ends process groups: SIGTERM, then SIGKILL for those still alive after `graceMs`.
 * Resolves once none of them is alive.
 */
export async function stopGroups(pids: number[], graceMs = 10_000): Promise<void> {
  const signal = (sig: NodeJS.Signals): void => {
    for (const pid of pids) {
      try {
        process.kill(-pid, sig);
      } catch {
        /* already gone */
      }
    }
  };
  signal("SIGTERM");
  const deadline = Date.now() + graceMs;
  while (pids.some((p) => alive(p)) && Date.now() < deadline) await sleep(50);
  if (pids.some((p) => alive(p))) signal("SIGKILL");
  while (pids.some((p) => alive(p))) await sleep(20);
}

/** Kills the groups at once, synchronously: for `process.on("exit")`. */
export function killGroupsNow(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
}

/**
 * Starts a reaper: a detached shell that waits for `owner` to die, then ends
 * the groups and removes `dir`. Returns its pid (kill it on a clean stop).
 */
export function startReaper(owner: number, pids: number[], dir: string): number {
  const script = [
    'owner=$1; dir=$2; shift 2',
    'while kill -0 "$owner" 2>/dev/null; do sleep 1; done',
    'for p in "$@"; do kill -TERM -- "-$p" 2>/dev/null; done',
    "sleep 5",
    'for p in "$@"; do kill -KILL -- "-$p" 2>/dev/null; done',
    'rm -rf -- "$dir"',
  ].join("\n");
  const child = spawn("bash", ["-c", script, "reaper", String(owner), dir, ...pids.map(String)], {
    detached: true,
    stdio: "ignore",
  });
  child.unref();
  return child.pid ?? 0;
}
