/**
 * REDIS_START_SCRIPT run by a real /bin/sh, with a stand-in `redis-server` first on PATH
 * that prints the config file it is given: the password reaches the file (escaped for
 * redis.conf's quoted strings), never an argument; the file is readable by its owner only.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { REDIS_CONFIG_PATH, REDIS_START_SCRIPT } from "../../../reconciler/builders/redis-statefulset.js";

const run = promisify(execFile);

describe("builders/redis start script", () => {
  let dir = "";
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "dsc-redis-"));
    // Stand-in: prints its arguments, the config's mode and the config.
    writeFileSync(join(dir, "redis-server"), '#!/bin/sh\necho "args: $*"\nstat -c "mode: %a" "$1"\ncat "$1"\n', { mode: 0o755 });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const script = (): string => REDIS_START_SCRIPT.replaceAll(REDIS_CONFIG_PATH, join(dir, "redis.conf"));
  const start = async (env: Record<string, string>): Promise<string> =>
    (await run("/bin/sh", ["-c", script()], { env: { PATH: `${dir}:/usr/bin:/bin`, ...env } })).stdout;

  const cases: { name: string; env: Record<string, string>; want: string | null }[] = [
    { name: "no password: no requirepass", env: {}, want: null },
    { name: "a plain password", env: { REDIS_PASSWORD: "s3cret" }, want: 'requirepass "s3cret"' },
    { name: "quotes and backslashes are escaped", env: { REDIS_PASSWORD: 'a"b\\c$d' }, want: 'requirepass "a\\"b\\\\c$d"' },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const out = await start(c.env);
      const lines = out.split("\n");
      expect(lines[0]).to.equal(`args: ${join(dir, "redis.conf")}`);
      expect(lines[1]).to.equal("mode: 600");
      expect(lines).to.include.members(["dir /data", "appendonly yes", "appendfsync everysec", "save 3600 1 300 100 60 10000"]);
      const pass = lines.find((l) => l.startsWith("requirepass")) ?? null;
      expect(pass).to.equal(c.want);
    });
  }
});
