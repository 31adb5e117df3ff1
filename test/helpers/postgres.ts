/**
 * A throw-away PostgreSQL server for tests that need a real database: `initdb` into a
 * temporary directory, started on a free loopback port with password (scram-sha-256)
 * authentication over TCP, stopped and removed by `stop()`.
 *
 * PostgreSQL refuses to run as root (CI runs as root), so as root the server runs as the
 * `postgres` system user through `runuser`, in a directory chowned to it. The binaries come
 * from POSTGRES_BIN, else /usr/lib/postgresql/15/bin (Debian's postgresql-15 layout).
 *
 * A minimal stand-in until the workloads branch's test/hooks/postgres.ts is in main.
 */
import { execFile, type ExecFileOptions } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const POSTGRES_BIN = process.env.POSTGRES_BIN ?? "/usr/lib/postgresql/15/bin";
const SYSTEM_USER = "postgres";

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program; never throws on a non-zero exit. */
export function run(file: string, args: string[], opts: ExecFileOptions & { input?: string } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { maxBuffer: 64 << 20, encoding: "utf8", ...opts }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

const isRoot = (): boolean => process.getuid?.() === 0;

/** Runs a server binary as the PostgreSQL system user when we are root. */
function asServerUser(bin: string, args: string[]): Promise<RunResult> {
  const path = join(POSTGRES_BIN, bin);
  return isRoot() ? run("runuser", ["-u", SYSTEM_USER, "--", path, ...args]) : run(path, args);
}

async function systemUserIds(): Promise<{ uid: number; gid: number }> {
  const uid = await run("id", ["-u", SYSTEM_USER]);
  const gid = await run("id", ["-g", SYSTEM_USER]);
  if (uid.code !== 0 || gid.code !== 0) throw new Error(`the ${SYSTEM_USER} system user is missing: PostgreSQL cannot run as root`);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

export interface TestPostgres {
  host: string;
  port: number;
  /** Superuser name and password. */
  user: string;
  password: string;
  /** libpq environment reaching `database` as the superuser (or as `role` with its password). */
  env(database: string, role?: { user: string; password: string }): NodeJS.ProcessEnv;
  /** Runs SQL with psql as the superuser; throws on an error, returns unaligned tuples. */
  sql(database: string, sql: string): Promise<string>;
  stop(): Promise<void>;
}

/** Starts a fresh server (see the file comment). @throws when initdb or pg_ctl fails. */
export async function startPostgres(): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), "pg-test-"));
  const data = join(dir, "data");
  const password = randomBytes(18).toString("hex");
  writeFileSync(join(dir, "pwfile"), password);
  if (isRoot()) {
    const { uid, gid } = await systemUserIds();
    chownSync(dir, uid, gid);
    chownSync(join(dir, "pwfile"), uid, gid);
  }
  const port = await freePort();
  const init = await asServerUser("initdb", ["-D", data, "-U", "postgres", "--auth-host=scram-sha-256", "--auth-local=scram-sha-256", `--pwfile=${join(dir, "pwfile")}`, "-E", "UTF8", "--no-locale"]);
  if (init.code !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const opts = `-p ${port} -c listen_addresses=127.0.0.1 -k ${dir} -c fsync=off`;
  const start = await asServerUser("pg_ctl", ["-D", data, "-o", opts, "-l", join(dir, "log"), "-w", "-t", "60", "start"]);
  if (start.code !== 0) throw new Error(`pg_ctl start failed: ${start.stderr}${start.stdout}`);
  const host = "127.0.0.1";
  const env = (database: string, role?: { user: string; password: string }): NodeJS.ProcessEnv => ({
    PATH: `${POSTGRES_BIN}:${process.env.PATH ?? ""}`,
    LANG: "C.UTF-8",
    PGHOST: host,
    PGPORT: String(port),
    PGDATABASE: database,
    PGUSER: role?.user ?? "postgres",
    PGPASSWORD: role?.password ?? password,
    PGSSLMODE: "disable",
  });
  return {
    host,
    port,
    user: "postgres",
    password,
    env,
    async sql(database: string, sql: string): Promise<string> {
      const r = await run(join(POSTGRES_BIN, "psql"), ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-tA"], { env: env(database), input: sql });
      if (r.code !== 0) throw new Error(`psql failed: ${r.stderr}`);
      return r.stdout;
    },
    async stop(): Promise<void> {
      await asServerUser("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
