/**
 * The managed Redis's command line (reconciler/builders/redis-deployment.ts) run by the
 * real redis-server (test/hooks/redis.ts), with `$(VAR)` expanded from the container's
 * env as the kubelet does (https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/#use-environment-variables-to-define-arguments).
 */
import { expect } from "chai";
import type { Discourse } from "../../../src/api/types.js";
import { buildRedisDeployment } from "../../../reconciler/builders/redis-deployment.js";
import { applyDefaults } from "../../../webhooks/defaulting/apply-defaults.js";
import { startRedis, type RedisServer } from "../../hooks/redis.js";

const PASSWORD = "redis-secret-1";

function command(redis: Record<string, unknown>): string[] {
  const obj = {
    apiVersion: "discourse.cern/v1alpha1",
    kind: "Discourse",
    metadata: { name: "marketplace", namespace: "forums", uid: "6f1c7d2a-0000-4000-8000-000000000002" },
    spec: { hostname: "marketplace.web.cern.ch", developerEmails: ["market@cern.ch"], redis },
  };
  const c = buildRedisDeployment(applyDefaults(obj as unknown as Discourse, { routeApiAvailable: false }))?.spec?.template.spec?.containers[0];
  const values: Record<string, string> = {};
  for (const e of c?.env ?? []) values[e.name] = e.valueFrom?.secretKeyRef ? PASSWORD : (e.value ?? "");
  return (c?.command ?? []).map((a) => a.replace(/\$\(([A-Z_][A-Z0-9_]*)\)/g, (_m, n: string) => values[n] ?? `$(${n})`));
}

describe("the managed Redis's command line on a real redis-server", function () {
  this.timeout(30_000);
  let server: RedisServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it("without passwordSecret: answers without a password", async () => {
    const [bin, ...args] = command({});
    expect(bin).to.equal("redis-server");
    server = await startRedis(args);
    expect((await server.cli(["ping"])).stdout.trim()).to.equal("PONG");
  });

  it("with passwordSecret: the Secret's password is required, and works", async () => {
    const [bin, ...args] = command({ passwordSecret: { name: "marketplace-redis", key: "password" } });
    expect(bin).to.equal("redis-server");
    server = await startRedis(args, PASSWORD);
    expect((await server.cli(["ping"])).stdout).to.include("NOAUTH Authentication required");
    expect((await server.cli(["ping"], PASSWORD)).stdout.trim()).to.equal("PONG");
    expect((await server.cli(["set", "k", "v"], PASSWORD)).stdout.trim()).to.equal("OK");
  });
});
