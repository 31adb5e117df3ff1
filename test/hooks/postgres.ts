/**
 * A throw-away PostgreSQL server for tests that run the operator's own SQL and
 * shell (the managed database's init SQL, the db-init Job's script) against the
 * real thing: Debian's server binaries (/usr/lib/postgresql/<major>/bin, the
 * `postgresql` package .ci/run installs), a new cluster made by initdb in a
 * temporary folder, listening on a free 127.0.0.1 port with password (SCRAM)
 * authentication, as in a cluster. PostgreSQL refuses to run as root, so when
 * the tests run as root (CI does) the server runs as the `postgres` system user
 * (or `nobody`) and the folder is handed to it. The server runs in its own
 * process group; `stop()` ends it and removes the folder, and a reaper does the
 * same if the test process dies.
 */
import { execFile, spawn } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../src/envtest/launcher.js";
import { killGroupsNow, startDetached, startReaper, stopGroups } from "../../src/envtest/processes.js";
import { waitFor } from "./wait.js";

export interface PostgresServer {
  host: string;
  port: number;
  /** The bootstrap superuser and its password. */
  superuser: string;
  password: string;
  /** Folder of the server binaries (psql, pg_isready…). */
  binDir: string;
  /** Environment for libpq clients (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE) as the superuser. */
  env(user?: string, password?: string): Record<string, string>;
  stop(): Promise<void>;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program; never throws on a non-zero exit. */
export async function run(cmd: string, args: string[], opts: { env?: Record<string, string>; input?: string; uid?: number; gid?: number } = {}): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = execFile(
      cmd,
      args,
      { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", ...opts.env }, ...(opts.uid !== undefined ? { uid: opts.uid, gid: opts.gid } : {}) },
      (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr }),
    );
    child.stdin?.on("error", () => undefined); // EPIPE when the program exits before reading its input
    child.stdin?.end(opts.input ?? "");
  });
}

/** The newest /usr/lib/postgresql/<major>/bin holding `postgres` (PG_BIN_DIR overrides). */
export function postgresBinDir(): string | null {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return null;
  const majors = readdirSync(base).filter((v) => existsSync(join(base, v, "bin", "postgres"))).sort((a, b) => Number(b) - Number(a));
  return majors[0] ? join(base, majors[0], "bin") : null;
}

/** uid and gid of a local user from /etc/passwd, or null. */
function localUser(name: string): { uid: number; gid: number } | null {
  const line = readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith(`${name}:`));
  const [, , uid, gid] = line?.split(":") ?? [];
  return uid && gid ? { uid: Number(uid), gid: Number(gid) } : null;
}

/** Who runs the server: this process, or (as root) `postgres`, else `nobody`. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const user = localUser("postgres") ?? localUser("nobody");
  if (!user) throw new Error("running as root, and neither a postgres nor a nobody user exists to run PostgreSQL");
  return user;
}

/**
 * Starts a new PostgreSQL server. Skips (`this.skip()` by the caller) are the caller's
 * business: this throws when the binaries are missing, naming the package.
 * @throws Error when no server binaries are installed, initdb fails, or the server is not ready in 30 s.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const binDir = postgresBinDir();
  if (!binDir) throw new Error("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin: install Debian's postgresql package (.ci/run does)");
  const user = serverUser();
  const dir = mkdtempSync(join(tmpdir(), "discourse-pg-"));
  const data = join(dir, "data");
  const password = `pw-${Math.random().toString(36).slice(2)}`;
  writeFileSync(join(dir, "pwfile"), `${password}\n`, { mode: 0o600 });
  if (user) {
    chownSync(dir, user.uid, user.gid);
    chownSync(join(dir, "pwfile"), user.uid, user.gid);
  }
  const asUser = user ? { uid: user.uid, gid: user.gid } : {};
  const init = await run(join(binDir, "initdb"), ["-D", data, "-U", "postgres", "--auth=scram-sha-256", `--pwfile=${join(dir, "pwfile")}`, "--no-sync", "-E", "UTF8", "--locale=C"], asUser);
  if (init.code !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  rmSync(join(dir, "pwfile"));
  const port = await freePort();
  const args = ["-D", data, "-h", "127.0.0.1", "-p", String(port), "-k", dir, "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=off"];
  const pid = user ? startAs(join(binDir, "postgres"), args, join(dir, "server.log"), user) : startDetached(join(binDir, "postgres"), args, join(dir, "server.log"));
  const reaper = startReaper(process.pid, [pid], dir);
  const env = (u = "postgres", pw = password): Record<string, string> => ({ PGHOST: "127.0.0.1", PGPORT: String(port), PGUSER: u, PGPASSWORD: pw, PGDATABASE: "postgres" });
  const stop = async (): Promise<void> => {
    await stopGroups([pid], 5000);
    killGroupsNow([reaper]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor("PostgreSQL to accept connections", async () => (await run(join(binDir, "pg_isready"), ["-q"], { env: env() })).code === 0, 30_000, 200);
  } catch (err) {
    const log = existsSync(join(dir, "server.log")) ? readFileSync(join(dir, "server.log"), "utf8") : "";
    await stop();
    throw new Error(`${(err as Error).message}\n${log}`);
  }
  return { host: "127.0.0.1", port, superuser: "postgres", password, binDir, env, stop };
}

/** startDetached, as another user (its own process group; output appended to `logFile`). */
function startAs(bin: string, args: string[], logFile: string, user: { uid: number; gid: number }): number {
  writeFileSync(logFile, "");
  chownSync(logFile, user.uid, user.gid);
  const child = spawn("sh", ["-c", 'exec "$0" "$@" >>"$LOG" 2>&1', bin, ...args], {
    detached: true,
    stdio: "ignore",
    uid: user.uid,
    gid: user.gid,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", LOG: logFile },
  });
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${bin}`);
  return child.pid;
}

/**
 * Runs SQL with psql (ON_ERROR_STOP, no psqlrc) against `db` as `user`.
 * @returns psql's exit code and output; never throws on an SQL error.
 */
export async function psql(pg: PostgresServer, sql: string, opts: { db?: string; user?: string; password?: string } = {}): Promise<CommandResult> {
  const env = { ...pg.env(opts.user, opts.password), PGDATABASE: opts.db ?? "postgres" };
  return run(join(pg.binDir, "psql"), ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"], { env, input: sql });
}
