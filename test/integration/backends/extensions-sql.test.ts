/**
 * The managed init SQL (postgresql-init-configmap.ts) and the db-init script
 * (db-init-job.ts) against a real PostgreSQL: the one installed on this machine
 * (/usr/lib/postgresql/<major>/bin, run as the `postgres` user, as initdb refuses root).
 * That server has hstore and pg_trgm (contrib) but no pgvector, so both must create what
 * they can, then stop with the clear message about `vector`; and both stay idempotent.
 * Needs no control plane.
 */
import { expect } from "chai";
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { DB_INIT_SCRIPT } from "../../../reconciler/builders/db-init-job.js";
import { extensionsSql, missingExtensionMessage } from "../../../reconciler/builders/postgresql-init-configmap.js";
import { PG_FAST_STOP_SCRIPT } from "../../../reconciler/builders/postgresql-statefulset.js";

const run = promisify(execFile);
const PG_ROOT = "/usr/lib/postgresql";
const major = existsSync(PG_ROOT) ? readdirSync(PG_ROOT).sort().at(-1) : undefined;
const BIN = major ? join(PG_ROOT, major, "bin") : "";
const PORT = 55432 + Math.floor(Math.random() * 1000);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `sh -c script` as the postgres user with `env`, feeding `input`. */
function sh(script: string, env: Record<string, string>, input = ""): Promise<Result> {
  return new Promise((resolve, reject) => {
    const assignments = Object.entries({ PATH: `${BIN}:/usr/bin:/bin`, ...env }).map(([k, v]) => `${k}=${v}`);
    const child = spawn("runuser", ["-u", "postgres", "--", "env", ...assignments, "sh", "-c", script], { stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

(major ? describe : describe.skip)(`extensions SQL and db-init script on PostgreSQL ${major ?? "(not installed)"}`, function () {
  this.timeout(60_000);
  let dir = "";
  const socket = (): Record<string, string> => ({ PGHOST: join(dir, "run"), PGPORT: String(PORT) });
  const psql = (sql: string, db = "postgres", user = "postgres") =>
    sh(`psql -v ON_ERROR_STOP=1 -X -q -At -U ${user} -d ${db}`, socket(), sql);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "dsc-pg-"));
    chmodSync(dir, 0o777);
    await sh(`mkdir -p "${dir}/run" && initdb -A trust -U postgres -D "${dir}/data" >/dev/null`, {});
    const started = await sh(`pg_ctl -D "${dir}/data" -l "${dir}/log" -w -o "-k ${dir}/run -p ${PORT} -c listen_addresses=''" start`, {});
    expect(started.code, started.stderr).to.equal(0);
    // An admin that may create roles and databases but is no superuser, as a platform's DBaaS gives.
    const admin = await psql("CREATE ROLE admin LOGIN CREATEROLE CREATEDB;");
    expect(admin.code, admin.stderr).to.equal(0);
  });

  after(async () => {
    if (!dir) return;
    await sh(`pg_ctl -D "${dir}/data" -m fast -w stop || true`, {});
    rmSync(dir, { recursive: true, force: true });
  });

  it("the init SQL creates hstore and pg_trgm, then stops with the pgvector message", async () => {
    await psql("CREATE DATABASE managed;");
    for (let i = 0; i < 2; i++) {
      const r = await psql(extensionsSql(), "managed");
      expect(r.code, "stops on the missing extension").to.not.equal(0);
      expect(r.stderr).to.include(missingExtensionMessage("vector"));
    }
    const exts = await psql("SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension WHERE extname <> 'plpgsql';", "managed");
    expect(exts.stdout.trim()).to.equal("hstore,pg_trgm");
  });

  it("the db-init script creates role and database, then stops with the pgvector message; a rerun does the same", async () => {
    const env = { ...socket(), PGUSER: "admin", DB_USER: "forum_user", DB_NAME: "forum_db", DB_PASSWORD: "s3cr'et\"pw" };
    for (let i = 0; i < 2; i++) {
      const r = await sh(DB_INIT_SCRIPT, env);
      expect(r.code, r.stderr).to.not.equal(0);
      expect(r.stderr).to.include(missingExtensionMessage("vector"));
    }
    const owner = await psql("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'forum_db';");
    expect(owner.stdout.trim()).to.equal("forum_user");
    const role = await psql("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'forum_user';");
    expect(role.stdout.trim()).to.equal("t");
  });

  it("the preStop command of the managed server (PG_FAST_STOP_SCRIPT) shuts it down cleanly, and a second run is no error", async function () {
    const controlState = async (): Promise<string> => {
      const { stdout } = await run("runuser", ["-u", "postgres", "--", join(BIN, "pg_controldata"), join(dir, "data")]);
      return /Database cluster state:\s+(.+)/.exec(stdout)?.[1]?.trim() ?? "";
    };
    expect(await controlState()).to.equal("in production");
    this.retries(0); // from here on the server is stopped: a retry would find it down
    for (let i = 0; i < 2; i++) {
      const r = await sh(PG_FAST_STOP_SCRIPT, { PGDATA: join(dir, "data") });
      expect(r.code, r.stderr).to.equal(0);
    }
    expect(await controlState()).to.equal("shut down");
  });
});
