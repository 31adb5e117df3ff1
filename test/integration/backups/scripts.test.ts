/**
 * The backup and restore scripts of reconciler/builders/backup-scripts.ts, run with `sh`
 * (dash, the postgres image's /bin/sh) against a real PostgreSQL with real data: tables,
 * rows, a sequence, a view, hstore, bytea, large objects and non-ASCII text. Dump, drop,
 * recreate (owned by another role, as a new forum's database is), restore, compare row
 * for row; then every way a backup can be damaged is refused before anything is loaded.
 */
import { expect } from "chai";
import { createHash } from "node:crypto";
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { BACKUP_FILES, BACKUP_SCRIPT, CLEANUP_SCRIPT, RESTORE_SCRIPT } from "../../../reconciler/builders/backup-scripts.js";
import { attemptName } from "../../hooks/attempt.js";
import { psql, run, startPostgres, type CommandResult, type PostgresServer } from "../../hooks/postgres.js";

const OLD = { user: "forum_old", password: "old-Secret-1" };
const NEW = { user: "forum_new", password: "new-Secret-2" };
const SOURCE_DB = "forum_old";

const SCHEMA = `
CREATE TABLE users (id serial PRIMARY KEY, username text NOT NULL UNIQUE, name text, prefs hstore, created_at timestamptz NOT NULL);
CREATE TABLE posts (id bigserial PRIMARY KEY, user_id int NOT NULL REFERENCES users(id), raw text NOT NULL, cooked text, attachment bytea, avatar oid);
CREATE INDEX posts_raw_trgm ON posts USING gin (raw gin_trgm_ops);
CREATE VIEW post_counts AS SELECT user_id, count(*) AS n FROM posts GROUP BY user_id;
INSERT INTO users (username, name, prefs, created_at) VALUES
  ('zoë', 'Zoë Ångström', 'theme=>dark, locale=>sv', '2024-01-02T03:04:05Z'),
  ('李雷', '李雷 (Lǐ Léi)', 'locale=>zh_CN', '2024-02-03T04:05:06Z'),
  ('olga', 'Ольга Петрова', NULL, '2024-03-04T05:06:07Z');
INSERT INTO posts (user_id, raw, cooked, attachment, avatar)
  SELECT 1 + (i % 3), 'post ' || i || ' — naïve café ☕ 🚀 ' || repeat('ü', i % 7), '<p>' || i || '</p>',
         decode(md5(i::text), 'hex'), CASE WHEN i % 50 = 0 THEN lo_from_bytea(0, convert_to('avatar ' || i || ' ✓', 'UTF8')) END
  FROM generate_series(1, 500) AS i;
SELECT setval('posts_id_seq', 1000);
`;

/** Everything the restore must bring back, as text, in a stable order. */
const SNAPSHOT = `
SELECT 'users', json_agg(u ORDER BY id)::text FROM users u
UNION ALL SELECT 'posts', md5(string_agg(p::text, E'\\n' ORDER BY id)) || ' ' || count(*) FROM posts p
UNION ALL SELECT 'view', json_agg(v ORDER BY user_id)::text FROM post_counts v
UNION ALL SELECT 'sequence', last_value::text FROM posts_id_seq
UNION ALL SELECT 'large objects', string_agg(encode(lo_get(p.avatar), 'escape'), '|' ORDER BY p.id) FROM posts p WHERE p.avatar IS NOT NULL
UNION ALL SELECT 'trgm', count(*)::text FROM posts WHERE raw % 'naïve café';
`;

/** Runs SQL as the superuser; throws on an error; returns psql's unaligned tuples. */
async function sql(pg: PostgresServer, db: string, text: string): Promise<string> {
  const r = await psql(pg, text, { db });
  if (r.code !== 0) throw new Error(`psql failed: ${r.stderr}`);
  return r.stdout;
}

/** libpq environment reaching `db` as `role`, with the server's client tools on PATH. */
function clientEnv(pg: PostgresServer, db: string, role: { user: string; password: string }): Record<string, string> {
  return { PATH: `${pg.binDir}:${process.env.PATH ?? "/usr/bin:/bin"}`, LANG: "C.UTF-8", ...pg.env(role.user, role.password), PGDATABASE: db, PGSSLMODE: "disable" };
}

async function createDatabase(pg: PostgresServer, name: string, owner: { user: string; password: string }): Promise<void> {
  await sql(pg, "postgres", `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${owner.user}') THEN CREATE ROLE ${owner.user} LOGIN PASSWORD '${owner.password}'; END IF; END $$;`);
  await sql(pg, "postgres", `CREATE DATABASE ${name} OWNER ${owner.user}`);
  // As the managed PostgreSQL's init (or the db-init Job) does: extensions made by a superuser.
  await sql(pg, name, "CREATE EXTENSION IF NOT EXISTS hstore; CREATE EXTENSION IF NOT EXISTS pg_trgm;");
}

/** Relative path → sha256 of every file under `dir`. */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash("sha256").update(readFileSync(p)).digest("hex");
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

/** uid and gid of `nobody` when we are root (the restore then runs as another user than the backup, like a pod); nothing otherwise. */
function nonRoot(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const line = readFileSync("/etc/passwd", "utf8").split("\n").find((l) => l.startsWith("nobody:"));
  const [, , uid, gid] = line?.split(":") ?? [];
  return { uid: Number(uid), gid: Number(gid) };
}

/** A volume's root as the kubelet mounts it: not owned by the pod's user, group-writable (fsGroup). */
function volumeRoot(dir: string): string {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o2777);
  return dir;
}

describe("backup and restore scripts (real PostgreSQL, sh)", function () {
  this.timeout(120_000);
  let pg: PostgresServer;
  let work: string;
  let root: string;
  let uploads: string;
  let snapshot: string;

  const backupEnv = (name: string, extra: Record<string, string> = {}): Record<string, string> => ({
    ...clientEnv(pg, SOURCE_DB, OLD),
    BACKUP_NAME: name,
    BACKUP_ROOT: root,
    UPLOADS_DIR: uploads,
    DISCOURSE_VERSION: "3.5.2",
    TERMINATION_LOG: join(work, `termination-${name}`),
    ...extra,
  });
  const backup = (name: string, extra: Record<string, string> = {}): Promise<CommandResult> => run("sh", ["-c", BACKUP_SCRIPT], { env: backupEnv(name, extra) });
  /** Runs the restore; as root, as `nobody` (the pod runs as a non-root user too). */
  const restore = (dir: string, database: string, target: string, extra: Record<string, string> = {}): Promise<CommandResult> =>
    run("sh", ["-c", RESTORE_SCRIPT], {
      ...nonRoot(),
      env: { ...clientEnv(pg, database, NEW), BACKUP_DIR: dir, UPLOADS_DIR: target, TERMINATION_LOG: join(volumeRoot(join(work, "restore-logs")), `termination-${database}`), ...extra },
    });
  const tables = (database: string): Promise<string> => sql(pg, database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
  /** The manifest's sha256 as the good backup's summary (its Job's termination message) gives it. */
  const recordedManifestSha256 = (): string =>
    (JSON.parse(readFileSync(join(root, "good", BACKUP_FILES.summary), "utf8")) as { sha256: Record<string, string> }).sha256[BACKUP_FILES.manifest] ?? "";
  /** A copy of the good backup to damage. */
  const copyOf = (name: string): string => {
    const dir = join(work, "copies", name);
    cpSync(join(root, "good"), dir, { recursive: true });
    chmodSync(join(work, "copies"), 0o755);
    return dir;
  };

  before(async function () {
    this.timeout(120_000);
    pg = await startPostgres();
    work = mkdtempSync(join(tmpdir(), "backup-scripts-"));
    chmodSync(work, 0o755);
    root = join(work, "backups");
    uploads = join(work, "uploads");
    mkdirSync(root);
    mkdirSync(join(uploads, "default", "original", "1X"), { recursive: true });
    writeFileSync(join(uploads, "default", "original", "1X", "a1b2c3.png"), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 31) % 256)));
    writeFileSync(join(uploads, "default", "original", "1X", "résumé – ünïcødé.txt"), "Grüße aus Genève ✓\n");
    writeFileSync(join(uploads, "default", ".hidden"), "dot file\n");
    await createDatabase(pg, SOURCE_DB, OLD);
    await sql(pg, SOURCE_DB, `SET ROLE ${OLD.user}; ${SCHEMA}`);
    snapshot = await sql(pg, SOURCE_DB, SNAPSHOT);
  });

  after(async () => {
    await pg?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("never passes a password on a command line: the scripts only read libpq's environment", () => {
    for (const script of [BACKUP_SCRIPT, RESTORE_SCRIPT, CLEANUP_SCRIPT]) {
      expect(script).not.to.match(/PGPASSWORD|(?<!no)-password|\s-W\b/);
    }
  });

  it("writes the dump, the uploads archive, a manifest and a summary, atomically", async () => {
    const r = await backup("good");
    expect(r.code, r.stderr).to.equal(0);
    expect(readdirSync(root)).to.deep.equal(["good"]);
    expect(readdirSync(join(root, "good")).sort()).to.deep.equal([BACKUP_FILES.dump, BACKUP_FILES.manifest, BACKUP_FILES.summary, BACKUP_FILES.uploads].sort());
    const manifest = JSON.parse(readFileSync(join(root, "good", BACKUP_FILES.manifest), "utf8")) as {
      backup: string;
      discourseVersion: string;
      databaseVersion: string;
      files: Array<{ name: string; sizeBytes: number; sha256: string }>;
    };
    expect(manifest.backup).to.equal("good");
    expect(manifest.discourseVersion).to.equal("3.5.2");
    expect(manifest.databaseVersion).to.match(/^15\./);
    for (const f of manifest.files) {
      const content = readFileSync(join(root, "good", f.name));
      expect(f.sizeBytes, f.name).to.equal(content.length);
      expect(f.sha256, f.name).to.equal(createHash("sha256").update(content).digest("hex"));
    }
    const summary = JSON.parse(readFileSync(join(work, "termination-good"), "utf8")) as { sizeBytes: number; sha256: Record<string, string> };
    const sizes = [BACKUP_FILES.dump, BACKUP_FILES.uploads, BACKUP_FILES.manifest].map((n) => statSync(join(root, "good", n)).size);
    expect(summary.sizeBytes).to.equal(sizes.reduce((a, b) => a + b, 0));
    expect(Object.keys(summary.sha256).sort()).to.deep.equal([BACKUP_FILES.dump, BACKUP_FILES.manifest, BACKUP_FILES.uploads].sort());
    expect(readFileSync(join(work, "termination-good")).length).to.be.below(4096);
    // The restores below run as another user than the backup: let it read the files.
    await run("chmod", ["-R", "a+rX", join(root, "good")]);
  });

  it("reports a finished backup again on a rerun, without touching it", async () => {
    const before = tree(join(root, "good"));
    const r = await backup("good", { TERMINATION_LOG: join(work, "termination-rerun") });
    expect(r.code, r.stderr).to.equal(0);
    expect(tree(join(root, "good"))).to.deep.equal(before);
    expect(readFileSync(join(work, "termination-rerun"), "utf8")).to.equal(readFileSync(join(work, "termination-good"), "utf8"));
  });

  it("leaves nothing behind when the dump fails", async () => {
    const r = await backup("bad-password", { PGPASSWORD: "wrong" });
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.match(/password authentication failed/);
    expect(readdirSync(root)).to.deep.equal(["good"]);
  });

  it("restores into a dropped and recreated database owned by another role: every row, object and upload", async () => {
    await sql(pg, "postgres", `DROP DATABASE ${SOURCE_DB}`);
    await createDatabase(pg, SOURCE_DB, NEW);
    const target = volumeRoot(join(work, "restored-uploads"));
    const r = await restore(join(root, "good"), SOURCE_DB, target);
    expect(r.code, r.stderr).to.equal(0);
    expect(await sql(pg, SOURCE_DB, SNAPSHOT)).to.equal(snapshot);
    expect(tree(target)).to.deep.equal(tree(uploads));
    const owners = await sql(pg, SOURCE_DB, "SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'");
    expect(owners.trim()).to.equal(NEW.user);
  });

  it("refuses a restore into a database that is not empty, and changes nothing", async () => {
    const target = join(work, "not-empty-uploads");
    const r = await restore(join(root, "good"), SOURCE_DB, target);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.match(/restore refused: database forum_old is not empty \(\d+ relations in schema public, \d+ large objects\)/);
    expect(await sql(pg, SOURCE_DB, SNAPSHOT)).to.equal(snapshot);
    expect(existsSync(target)).to.equal(false);
  });

  const damaged: Array<{ name: string; damage: (dir: string) => void; env?: (dir: string) => Record<string, string>; refusal: RegExp }> = [
    {
      name: "a truncated dump",
      damage: (dir) => truncateSync(join(dir, BACKUP_FILES.dump), statSync(join(dir, BACKUP_FILES.dump)).size - 100),
      refusal: /database\.dump has \d+ bytes, the manifest says \d+/,
    },
    {
      name: "a changed byte in the uploads archive (same size)",
      damage: (dir) => {
        const f = join(dir, BACKUP_FILES.uploads);
        const b = readFileSync(f);
        b[600] = (b[600] ?? 0) ^ 0xff;
        writeFileSync(f, b);
      },
      refusal: /uploads\.tar has sha256 [0-9a-f]{64}, the manifest says [0-9a-f]{64}/,
    },
    {
      name: "a manifest whose checksum was changed",
      damage: (dir) => {
        const f = join(dir, BACKUP_FILES.manifest);
        writeFileSync(f, readFileSync(f, "utf8").replace(/("name": "database\.dump".*"sha256": ")([0-9a-f])/, (_m, head: string, c: string) => `${head}${c === "0" ? "1" : "0"}`));
      },
      refusal: /database\.dump has sha256 [0-9a-f]{64}, the manifest says [0-9a-f]{64}/,
    },
    {
      name: "a manifest that no longer lists the uploads archive",
      damage: (dir) => {
        const f = join(dir, BACKUP_FILES.manifest);
        writeFileSync(f, readFileSync(f, "utf8").replace(/.*"uploads\.tar".*\n/, ""));
      },
      refusal: /manifest\.json does not list uploads\.tar/,
    },
    {
      name: "a manifest changed after the backup recorded its sha256",
      damage: (dir) => {
        const f = join(dir, BACKUP_FILES.manifest);
        writeFileSync(f, readFileSync(f, "utf8").replace('"formatVersion": 1', '"formatVersion":  1'));
      },
      env: () => ({ MANIFEST_SHA256: recordedManifestSha256() }),
      refusal: /manifest\.json has sha256 [0-9a-f]{64}, the backup recorded [0-9a-f]{64}/,
    },
    {
      name: "a manifest naming a file outside the backup",
      damage: (dir) => {
        const f = join(dir, BACKUP_FILES.manifest);
        writeFileSync(f, readFileSync(f, "utf8").replace('"name": "uploads.tar"', '"name": "../uploads.tar"'));
      },
      refusal: /names an unsafe file '\.\.\/uploads\.tar'/,
    },
  ];

  for (const c of damaged) {
    it(`refuses ${c.name} before loading anything`, async () => {
      const dir = copyOf(c.name.replace(/[^a-z0-9]+/g, "-"));
      c.damage(dir);
      const database = `refused_${Math.floor(Math.random() * 1e9)}`;
      await createDatabase(pg, database, NEW);
      const target = join(work, `uploads-${database}`);
      const r = await restore(dir, database, target, c.env?.(dir) ?? {});
      expect(r.code, r.stdout).to.equal(1);
      expect(r.stderr).to.match(c.refusal);
      expect((await tables(database)).trim()).to.equal("0");
      expect(existsSync(target)).to.equal(false);
    });
  }

  it("accepts the untouched copy with the recorded manifest sha256 (the refusals above are the damage's doing)", async function () {
    const [copy, database, uploads] = [attemptName(this, "untouched"), attemptName(this, "restored_again", "_"), attemptName(this, "uploads-again")];
    const dir = copyOf(copy);
    await createDatabase(pg, database, NEW);
    const r = await restore(dir, database, volumeRoot(join(work, uploads)), { MANIFEST_SHA256: recordedManifestSha256() });
    expect(r.code, r.stderr).to.equal(0);
    expect(await sql(pg, database, SNAPSHOT)).to.equal(snapshot);
  });

  it("cleanup removes a backup's files and partial leftovers, and nothing else", async () => {
    mkdirSync(join(root, ".partial-good.abc123"), { recursive: true });
    mkdirSync(join(root, "goodness"), { recursive: true }); // either may be left by the first attempt of a retried test
    const r = await run("sh", ["-c", CLEANUP_SCRIPT], { env: { BACKUP_NAME: "good", BACKUP_ROOT: root } });
    expect(r.code, r.stderr).to.equal(0);
    expect(readdirSync(root)).to.deep.equal(["goodness"]);
  });
});
