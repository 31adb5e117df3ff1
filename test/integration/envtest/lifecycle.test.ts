import { expect } from "chai";
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { alive } from "../../../src/envtest/processes.js";

const run = (cmd: string, args: string[], envExtra: Record<string, string>) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(cmd, args, { env: { ...process.env, ...envExtra } }, (err, stdout, stderr) =>
      resolve({ code: err ? 1 : 0, stdout, stderr }),
    );
  });

async function waitGone(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  while (pids.some(alive) && Date.now() < deadline) await sleep(100);
  return pids.filter(alive);
}

describe("local control plane lifecycle", () => {
  it("cluster:up starts one that kubectl reaches; cluster:down leaves no process behind", async () => {
    const dir = mkdtempSync(join(tmpdir(), "envtest-state-"));
    try {
      const up = await run("npx", ["tsx", "src/envtest/cli.ts", "up"], { DISCOURSE_ENVTEST_DIR: dir });
      expect(up.code, up.stderr).to.equal(0);
      expect(up.stdout.trim()).to.equal(`export KUBECONFIG=${join(dir, "kubeconfig")}`);
      const state = JSON.parse(readFileSync(join(dir, "cluster.json"), "utf8")) as { pids: number[] };
      expect(state.pids).to.have.length(5); // etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok
      const ns = await run("kubectl", ["--kubeconfig", join(dir, "kubeconfig"), "get", "namespaces", "-o", "name"], {});
      expect(ns.stdout).to.include("namespace/kube-public");
      const nodes = await run("kubectl", ["--kubeconfig", join(dir, "kubeconfig"), "get", "nodes", "--no-headers"], {});
      expect(nodes.stdout.trim().split("\n").map((l) => l.split(/\s+/).slice(0, 2).join(" "))).to.deep.equal([
        "kwok-node-1 Ready",
        "kwok-node-2 Ready",
        "kwok-node-3 Ready",
      ]);
      const down = await run("npx", ["tsx", "src/envtest/cli.ts", "down"], { DISCOURSE_ENVTEST_DIR: dir });
      expect(down.code, down.stderr).to.equal(0);
      expect(await waitGone(state.pids, 1000)).to.deep.equal([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a crashed owner (SIGKILL) leaves no process behind: the reaper ends them", async () => {
    const script = [
      'import { startControlPlane } from "./src/envtest/launcher.ts";',
      "const cp = await startControlPlane({ owner: process.pid });",
      "console.log(JSON.stringify(cp.pids));",
      "setInterval(() => {}, 1000);",
    ].join("\n");
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    const pids = await new Promise<number[]>((resolve, reject) => {
      child.stdout.setEncoding("utf8").once("data", (d: string) => resolve(JSON.parse(d) as number[]));
      child.once("exit", () => reject(new Error("launcher child exited before printing its pids")));
    });
    expect(pids.every(alive)).to.equal(true);
    child.kill("SIGKILL");
    expect(await waitGone(pids, 15_000)).to.deep.equal([]);
  });
});
