/**
 * A throw-away Redis server for tests that run the operator's Redis command line
 * against the real program (Debian's `redis-server` package, which .ci/run
 * installs): a free 127.0.0.1 port, a temporary working folder, no persistence.
 * It runs in its own process group; `stop()` ends it and removes the folder, and
 * a reaper does the same if the test process dies.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../src/envtest/launcher.js";
import { killGroupsNow, startDetached, startReaper, stopGroups } from "../../src/envtest/processes.js";
import { run, type CommandResult } from "./postgres.js";
import { waitFor } from "./wait.js";

export interface RedisServer {
  port: number;
  /** `redis-cli` against this server (`-a password` when given; the password travels in REDISCLI_AUTH, not argv). */
  cli(args: string[], password?: string): Promise<CommandResult>;
  stop(): Promise<void>;
}

/** Whether redis-server is installed. */
export function redisInstalled(): boolean {
  try {
    execFileSync("redis-server", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export interface RedisOptions {
  /**
   * A start script under test (run by /bin/sh, which must exec redis-server), given the
   * free port and the temporary folder; default: `redis-server` on that port and folder,
   * bound to 127.0.0.1, without persistence.
   */
  script?: (port: number, dir: string) => string;
  /** Environment of the script (PATH is added). */
  env?: Record<string, string>;
  /** The password PING must use to answer PONG (readiness). */
  password?: string;
}

/**
 * Starts Redis in a temporary folder on a free port.
 * @throws Error when redis-server is missing or does not answer PING within 10 s.
 */
export async function startRedis(opts: RedisOptions = {}): Promise<RedisServer> {
  if (!redisInstalled()) throw new Error("redis-server not found: install Debian's redis-server package (.ci/run does)");
  const dir = mkdtempSync(join(tmpdir(), "discourse-redis-"));
  const port = await freePort();
  const { password } = opts;
  const pid = opts.script
    ? startDetached("/bin/sh", ["-c", opts.script(port, dir)], join(dir, "server.log"), { PATH: process.env.PATH ?? "/usr/bin:/bin", ...opts.env })
    : startDetached("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"], join(dir, "server.log"));
  const reaper = startReaper(process.pid, [pid], dir);
  const cli = (a: string[], pw?: string): Promise<CommandResult> =>
    run("redis-cli", ["-h", "127.0.0.1", "-p", String(port), ...a], { env: pw ? { REDISCLI_AUTH: pw } : {} });
  const stop = async (): Promise<void> => {
    await stopGroups([pid], 5000);
    killGroupsNow([reaper]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor("Redis to answer PING", async () => (await cli(["ping"], password)).stdout.trim() === "PONG", 10_000, 100);
  } catch (err) {
    const log = readFileSync(join(dir, "server.log"), "utf8");
    await stop();
    throw new Error(`${(err as Error).message}\n${log}`);
  }
  return { port, cli, stop };
}
