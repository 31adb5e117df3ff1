/**
 * The managed Redis's start script (reconciler/builders/redis-statefulset.ts) run by a
 * real /bin/sh and a real redis-server (test/hooks/redis.ts), the password given as the
 * env entry the container gets from its Secret. Only what a pod has and this machine does
 * not is changed: the data and config folders and the port (a free one, bound to 127.0.0.1).
 */
import { expect } from "chai";
import { readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Discourse } from "../../../src/api/types.js";
import { REDIS_PORT } from "../../../reconciler/builders/env-configmap.js";
import { buildRedisStatefulSet, REDIS_CONFIG_PATH, REDIS_DATA_PATH } from "../../../reconciler/builders/redis-statefulset.js";
import { applyDefaults } from "../../../webhooks/defaulting/apply-defaults.js";
import { startRedis, type RedisServer } from "../../hooks/redis.js";

const PASSWORD = 'redis "secret" \\ 1';

/** The container's command and env names of a forum with `redis` settings. */
function container(redis: Record<string, unknown>): { command: string[]; envNames: string[] } {
  const obj = {
    apiVersion: "discourse.cern/v1alpha1",
    kind: "Discourse",
    metadata: { name: "marketplace", namespace: "forums", uid: "6f1c7d2a-0000-4000-8000-000000000002" },
    spec: { hostname: "marketplace.web.cern.ch", developerEmails: ["market@cern.ch"], redis },
  };
  const c = buildRedisStatefulSet(applyDefaults(obj as unknown as Discourse, { routeApiAvailable: false }), {})?.spec?.template.spec?.containers[0];
  return { command: c?.command ?? [], envNames: (c?.env ?? []).map((e) => e.name) };
}

/** The script with this machine's folders and port in place of the pod's. */
function localScript(script: string): (port: number, dir: string) => string {
  return (port, dir) =>
    script
      .replaceAll(REDIS_CONFIG_PATH, join(dir, "redis.conf"))
      .replaceAll(`dir ${REDIS_DATA_PATH}`, `dir ${dir}`)
      .replace(`port ${REDIS_PORT}'`, `port ${port}'\n  echo 'bind 127.0.0.1'`);
}

describe("the managed Redis's start script on a real redis-server", function () {
  this.timeout(30_000);
  let server: RedisServer | undefined;
  let dir = "";
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it("without passwordSecret: answers without a password, appendonly on", async () => {
    const { command } = container({});
    expect(command.slice(0, 2)).to.deep.equal(["/bin/sh", "-c"]);
    server = await startRedis({ script: (port, d) => ((dir = d), localScript(command[2] ?? "")(port, d)) });
    expect((await server.cli(["ping"])).stdout.trim()).to.equal("PONG");
    expect((await server.cli(["config", "get", "appendonly"])).stdout.split("\n")[1]).to.equal("yes");
    expect(dir).to.not.equal("");
  });

  it("with passwordSecret: the Secret's password (quotes and backslash included) is required and works; the config file is private", async () => {
    const { command, envNames } = container({ passwordSecret: { name: "marketplace-redis", key: "password" } });
    expect(envNames).to.include("REDIS_PASSWORD");
    server = await startRedis({ script: (port, d) => ((dir = d), localScript(command[2] ?? "")(port, d)), env: { REDIS_PASSWORD: PASSWORD }, password: PASSWORD });
    expect((await server.cli(["ping"])).stdout).to.include("NOAUTH Authentication required");
    expect((await server.cli(["ping"], PASSWORD)).stdout.trim()).to.equal("PONG");
    expect((await server.cli(["set", "k", "v"], PASSWORD)).stdout.trim()).to.equal("OK");
    const conf = join(dir, "redis.conf");
    expect(statSync(conf).mode & 0o777, "config file mode").to.equal(0o600);
    expect(readFileSync(conf, "utf8")).to.include("requirepass ");
  });
});
