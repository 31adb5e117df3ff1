/**
 * `npm start` (run --local-if-no-cluster) and `reconciler` against a configured
 * cluster that lacks the CRDs (Discourse, DiscourseBackup; the reconciler watches both):
 * they name the missing ones, say exactly what to run and exit 1 (they used to retry
 * HTTP 404 forever), or install them with --install. A cluster of its own
 * (src/envtest/launcher.ts), as the shared one has the CRDs.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { KubeConfig } from "@kubernetes/client-node";
import { discourseCrd } from "../../src/api/crd.js";
import { freePort, startControlPlane, type ControlPlane } from "../../src/envtest/launcher.js";
import { KubeClient, type KubeObject } from "../../reconciler/client/kube-client.js";

const CLI = join(import.meta.dirname, "..", "..", "src", "cli.ts");

interface Run {
  code: Promise<number>;
  output: () => string;
  waitFor: (text: string) => Promise<void>;
  stop: () => void;
}

/** Starts the CLI as `npm start` does, with KUBECONFIG set. */
function start(args: string[], kubeconfig: string): Run {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], { env: { ...process.env, KUBECONFIG: kubeconfig, LOG_FORMAT: "json" }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on("line", (l) => {
      out += `${l}\n`;
      for (const w of waiters.filter((x) => out.includes(x.text))) w.resolve();
    });
  }
  const code = new Promise<number>((resolve) => child.once("exit", (c) => resolve(c ?? 1)));
  return {
    code,
    output: () => out,
    waitFor: (text) => (out.includes(text) ? Promise.resolve() : new Promise((resolve) => waiters.push({ text, resolve }))),
    stop: () => child.kill("SIGTERM"),
  };
}

async function within<T>(ms: number, p: Promise<T>, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (t = setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)));
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(t);
  }
}

/** Waits until discovery lists `discourses` (the CRD is Established). */
async function installedWithin(client: KubeClient, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await client.servedResources("discourse.cern/v1alpha1")).includes("discourses")) {
    if (Date.now() > deadline) throw new Error(`the Discourse CRD not served within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("CLI against a cluster without the operator's CRDs", function () {
  this.timeout(180_000);
  let plane: ControlPlane | undefined;

  before(async () => {
    plane = await startControlPlane({ owner: process.pid });
  });
  after(async () => plane?.stop());

  for (const c of [
    { name: "npm start (run --local-if-no-cluster)", args: ["run", "--local-if-no-cluster"], install: true },
    { name: "reconciler", args: ["reconciler"], install: false },
  ]) {
    it(`${c.name} says what to run and exits 1`, async () => {
      const run = start(c.args, plane!.kubeconfigPath);
      const code = await within(30_000, run.code, "exit");
      expect(code).to.equal(1);
      const out = run.output();
      expect(out).to.include("the Discourse CRD (discourses.discourse.cern) and the DiscourseBackup CRD (discoursebackups.discourse.cern) are not installed in");
      expect(out).to.include("kubectl apply -k manifests/");
      expect(out).to.include("npx discourse-operator install --crd-only");
      expect(out.includes("or start with --install")).to.equal(c.install);
      expect(out).to.not.include("HTTP 404");
    });
  }

  it("reconciler with only the Discourse CRD names the missing DiscourseBackup CRD and exits 1", async () => {
    const kc = new KubeConfig();
    kc.loadFromFile(plane!.kubeconfigPath);
    const client = new KubeClient(kc);
    const crd = discourseCrd() as unknown as KubeObject;
    // kept for the next test: run --install applies both (deleting it would race that apply)
    await client.apply(crd);
    await installedWithin(client, 30_000);
    const run = start(["reconciler"], plane!.kubeconfigPath);
    expect(await within(30_000, run.code, "exit")).to.equal(1);
    const out = run.output();
    expect(out).to.include("the DiscourseBackup CRD (discoursebackups.discourse.cern) is not installed in");
    expect(out).to.include("Install it, then start again");
    expect(out).to.not.include("the Discourse CRD (discourses.discourse.cern)");
  });

  it("run --install installs the CRDs and starts", async () => {
    const certDir = mkdtempSync(join(tmpdir(), "run-install-"));
    const run = start(["run", "--local-if-no-cluster", "--install", "--webhook-port", String(await freePort()), "--cert-dir", certDir], plane!.kubeconfigPath);
    try {
      await within(60_000, run.waitFor("operator ready"), "operator ready");
      expect(run.output()).to.include("installed the Discourse CRD and the DiscourseBackup CRD");
    } finally {
      run.stop();
      await within(20_000, run.code, "exit after SIGTERM");
      rmSync(certDir, { recursive: true, force: true });
    }
  });
});
