/**
 * The SQL and shell the operator runs inside pods, run against a real PostgreSQL
 * (test/hooks/postgres.ts): the managed server's init files (ConfigMap
 * `<name>-postgresql-init`, run by the postgres image's entrypoint) and the db-init
 * Job's script (an external server with an admin role). Each runs twice (the second
 * run must be harmless), and as a role that lacks a privilege, checking the error a
 * user reads in the pod's log. Whatever extensions the builders ask for are tested;
 * one this server does not ship (pgvector is not packaged for Debian 12's
 * PostgreSQL 15) is reported as such and its error checked, never faked.
 */
import { expect } from "chai";
import type { V1EnvVar } from "@kubernetes/client-node";
import type { Discourse } from "../../../src/api/types.js";
import { buildDbInitJob } from "../../../reconciler/builders/db-init-job.js";
import { buildPostgresqlInitConfigMap } from "../../../reconciler/builders/postgresql-init-configmap.js";
import { applyDefaults } from "../../../webhooks/defaulting/apply-defaults.js";
import { attemptName } from "../../hooks/attempt.js";
import { psql, run, startPostgres, type CommandResult, type PostgresServer } from "../../hooks/postgres.js";

const ADMIN_SECRET = "forum-db-admin";
const APP_PASSWORD = "app-password-1";

function forum(spec: Record<string, unknown>): ReturnType<typeof applyDefaults> {
  const obj = { apiVersion: "discourse.cern/v1alpha1", kind: "Discourse", metadata: { name: "eos-community", namespace: "forums", uid: "6f1c7d2a-0000-4000-8000-000000000001" }, spec };
  return applyDefaults(obj as unknown as Discourse, { routeApiAvailable: false });
}

/** Extensions named by `CREATE EXTENSION [IF NOT EXISTS] x` in the SQL. */
function extensionsIn(sql: string): string[] {
  return [...sql.matchAll(/CREATE EXTENSION (?:IF NOT EXISTS )?"?([a-z0-9_]+)"?/gi)].map((m) => m[1] ?? "");
}

async function available(pg: PostgresServer, names: string[]): Promise<Set<string>> {
  const r = await psql(pg, `SELECT name FROM pg_available_extensions WHERE name IN (${names.map((n) => `'${n}'`).join(",") || "''"});`);
  return new Set(r.stdout.split("\n").filter(Boolean));
}

async function installed(pg: PostgresServer, db: string): Promise<string[]> {
  return (await psql(pg, "SELECT extname FROM pg_extension ORDER BY 1;", { db })).stdout.split("\n").filter(Boolean);
}

/** The value of each env entry as the kubelet would resolve it, Secrets from `secrets`. */
function resolveEnv(env: V1EnvVar[], secrets: Record<string, Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of env) {
    const ref = e.valueFrom?.secretKeyRef;
    const v = ref ? secrets[ref.name ?? ""]?.[ref.key] : e.value;
    if (v === undefined) throw new Error(`env ${e.name}: no value`);
    out[e.name] = v;
  }
  return out;
}

describe("scripts on a real PostgreSQL", function () {
  this.timeout(120_000);
  let pg: PostgresServer;

  before(async () => {
    pg = await startPostgres();
  });
  after(async () => {
    await pg?.stop();
  });

  describe("the managed server's init files (/docker-entrypoint-initdb.d)", () => {
    const obj = forum({ hostname: "eos-community.web.cern.ch", developerEmails: ["eos@cern.ch"] });
    const files = Object.entries(buildPostgresqlInitConfigMap(obj)?.data ?? {}).sort(([a], [b]) => a.localeCompare(b));
    const db = obj.spec.database;

    /**
     * The postgres image's entrypoint (docker-library/postgres docker-entrypoint.sh,
     * docker_process_init_files) runs each *.sql file in name order with
     * `psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB"`,
     * POSTGRES_USER being the bootstrap superuser; *.sh files are sourced.
     */
    async function runInitFiles(): Promise<CommandResult[]> {
      const results: CommandResult[] = [];
      for (const [file, content] of files) {
        if (file.endsWith(".sql")) results.push(await psql(pg, content, { db: db.name, user: db.user, password: APP_PASSWORD }));
        else if (file.endsWith(".sh")) {
          const env = { ...pg.env(db.user, APP_PASSWORD), PGDATABASE: db.name, POSTGRES_USER: db.user, POSTGRES_DB: db.name, PATH: `${pg.binDir}:${process.env.PATH ?? ""}` };
          results.push(await run("bash", ["-c", `set -e; . /dev/stdin`], { env, input: content }));
        }
      }
      return results;
    }

    before(async () => {
      // What the image does before the init files: the superuser POSTGRES_USER and the database POSTGRES_DB.
      const setup = await psql(pg, `CREATE ROLE ${db.user} SUPERUSER LOGIN PASSWORD '${APP_PASSWORD}';\nCREATE DATABASE ${db.name} OWNER ${db.user};`);
      expect(setup.code, setup.stderr).to.equal(0);
    });

    it("there is at least one init file and it creates extensions", () => {
      expect(files.length).to.be.greaterThan(0);
      expect(extensionsIn(files.map(([, c]) => c).join("\n"))).to.include.members(["hstore", "pg_trgm"]);
    });

    it("creates every extension it names, and a second run changes nothing (or names the extension this server lacks)", async function () {
      const wanted = extensionsIn(files.map(([, c]) => c).join("\n"));
      const here = await available(pg, wanted);
      const missing = wanted.filter((e) => !here.has(e));
      for (const attempt of [1, 2]) {
        const results = await runInitFiles();
        const failed = results.filter((r) => r.code !== 0);
        if (missing.length === 0) {
          expect(failed, `run ${attempt}: ${failed.map((r) => r.stderr).join("\n")}`).to.deep.equal([]);
        } else {
          // Not packaged here: the image's entrypoint stops with this error (ON_ERROR_STOP), which the pod log shows.
          expect(failed.map((r) => r.stderr).join("\n")).to.match(new RegExp(`extension "${missing[0]}" is not available`));
        }
      }
      const have = await installed(pg, db.name);
      expect(have).to.include.members(wanted.filter((e) => here.has(e)));
      if (missing.length > 0) this.test!.title += ` [not packaged on this machine: ${missing.join(", ")}]`;
    });
  });

  describe("the db-init Job's script on an external server", () => {
    const obj = forum({
      hostname: "marketplace.web.cern.ch",
      developerEmails: ["market@cern.ch"],
      database: { host: "127.0.0.1", port: 5432, name: "marketplace", user: "marketplace_app", sslMode: "disable", adminSecret: ADMIN_SECRET },
    });
    const job = buildDbInitJob(obj);
    const container = job?.spec?.template.spec?.containers[0];
    const script = container?.command?.[2] ?? "";

    /** Runs the container's command with its env resolved, against this server, as `admin`. */
    async function runJob(admin: { username: string; password: string }, appPassword = APP_PASSWORD): Promise<CommandResult> {
      const env = resolveEnv(container?.env ?? [], {
        [ADMIN_SECRET]: admin,
        [obj.spec.database.credentialsSecret]: { username: obj.spec.database.user, password: appPassword },
      });
      env.PGPORT = String(pg.port); // the Service port maps to this server's free port
      env.PATH = `${pg.binDir}:${process.env.PATH ?? ""}`;
      return run(container?.command?.[0] ?? "/bin/sh", [container?.command?.[1] ?? "-c", script], { env });
    }

    const superuser = (): { username: string; password: string } => ({ username: pg.superuser, password: pg.password });

    /** The script of a forum whose role `user_<id>` and database `db_<id>` do not exist yet, run as `admin`. */
    async function runFresh(id: string, admin: { username: string; password: string }): Promise<CommandResult> {
      const fresh = forum({
        hostname: `${id.replace(/_/g, "-")}.web.cern.ch`,
        developerEmails: ["x@cern.ch"],
        database: { host: "127.0.0.1", name: `db_${id}`, user: `user_${id}`, sslMode: "disable", adminSecret: ADMIN_SECRET },
      });
      const c = buildDbInitJob(fresh)?.spec?.template.spec?.containers[0];
      const env = resolveEnv(c?.env ?? [], { [ADMIN_SECRET]: admin, [fresh.spec.database.credentialsSecret]: { username: `user_${id}`, password: APP_PASSWORD } });
      return run("/bin/sh", ["-c", c?.command?.[2] ?? ""], { env: { ...env, PGPORT: String(pg.port), PATH: `${pg.binDir}:${process.env.PATH ?? ""}` } });
    }

    it("is a shell command run with psql", () => {
      expect(container?.command?.slice(0, 2)).to.deep.equal(["/bin/sh", "-c"]);
      expect(script).to.include("psql");
    });

    it("creates the role, the database and the extensions, and a second run is harmless", async function () {
      const wanted = extensionsIn(script);
      const here = await available(pg, wanted);
      const missing = wanted.filter((e) => !here.has(e));
      for (const attempt of [1, 2]) {
        const r = await runJob(superuser());
        if (missing.length === 0) expect(r.code, `run ${attempt}: ${r.stderr}`).to.equal(0);
        else expect(r.stderr).to.match(new RegExp(`extension "${missing[0]}" is not available`));
      }
      const login = await psql(pg, "SELECT current_user, (SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database());", {
        db: "marketplace",
        user: "marketplace_app",
        password: APP_PASSWORD,
      });
      expect(login.code, login.stderr).to.equal(0);
      expect(login.stdout.trim()).to.equal("marketplace_app|marketplace_app");
      expect(await installed(pg, "marketplace")).to.include.members(wanted.filter((e) => here.has(e)));
      if (missing.length > 0) this.test!.title += ` [not packaged on this machine: ${missing.join(", ")}]`;
    });

    it("sets a changed password on the next run", async () => {
      await runJob(superuser(), "app-password-2");
      expect((await psql(pg, "SELECT 1;", { db: "marketplace", user: "marketplace_app", password: "app-password-2" })).code).to.equal(0);
      const old = await psql(pg, "SELECT 1;", { db: "marketplace", user: "marketplace_app", password: APP_PASSWORD });
      expect(old.stderr).to.include('password authentication failed for user "marketplace_app"');
    });

    it("works with a CREATEROLE CREATEDB admin that is not a superuser (a hosted database's admin)", async function () {
      const id = attemptName(this, "hosted", "_"); // a retry on the same server gets its own role and database
      expect((await psql(pg, `CREATE ROLE ${id}_admin LOGIN CREATEROLE CREATEDB PASSWORD 'hosted';`)).code).to.equal(0);
      const wanted = extensionsIn(script);
      const here = await available(pg, wanted);
      const r = await runFresh(id, { username: `${id}_admin`, password: "hosted" });
      if (wanted.every((e) => here.has(e))) expect(r.code, r.stderr).to.equal(0);
      // hstore and pg_trgm are trusted extensions (trusted = true in their .control files):
      // members of the database owner may create them without being superuser.
      expect(await installed(pg, `db_${id}`)).to.include.members(["hstore", "pg_trgm"]);
    });

    const lacking: { name: string; role: string; error: RegExp }[] = [
      { name: "an admin without CREATEROLE stops at the role", role: "CREATEDB", error: /permission denied to create role/ },
      { name: "an admin without CREATEDB stops at the database", role: "CREATEROLE", error: /permission denied to create database/ },
    ];
    for (const c of lacking) {
      it(`${c.name}, and the log says so`, async function () {
        const admin = attemptName(this, `weak_${c.role.toLowerCase()}`, "_");
        expect((await psql(pg, `CREATE ROLE ${admin} LOGIN ${c.role} PASSWORD 'weak';`)).code).to.equal(0);
        const r = await runFresh(admin, { username: admin, password: "weak" });
        expect(r.code).to.not.equal(0);
        expect(r.stderr).to.match(c.error);
      });
    }
  });
});
