/**
 * Mocha root hooks for integration and e2e tests: ONE real local control plane
 * (etcd, kube-apiserver, kube-controller-manager; src/envtest/launcher.ts) per
 * run, stopped at the end, and by a reaper if the run crashes. Each test
 * isolates itself in its own namespace (`newNamespace`).
 */
import { CoreV1Api, KubeConfig } from "@kubernetes/client-node";
import { ApiextensionsV1Api, type V1CustomResourceDefinition } from "@kubernetes/client-node";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { discourseBackupCrd } from "../../src/api/backup-crd.js";
import { discourseCrd } from "../../src/api/crd.js";
import { startControlPlane, type ControlPlane } from "../../src/envtest/launcher.js";

let plane: ControlPlane | undefined;
let kubeConfig: KubeConfig | undefined;
let crdInstalled: Promise<void> | undefined;

export interface TestEnv {
  kubeconfigPath: string;
  kc: KubeConfig;
  server: string;
}

/** The running control plane; throws outside the root hooks' lifetime. */
export function env(): TestEnv {
  if (!plane || !kubeConfig) throw new Error("control plane not started: run with --config test/.mocharc.integration.json");
  return { kubeconfigPath: plane.kubeconfigPath, kc: kubeConfig, server: plane.server };
}

/** Namespaces made by the tests, in order; the first `ended` of them belong to tests that ran. */
let namespaces: string[] = [];
let ended = 0;
let currentFile: string | undefined;

/** Creates a namespace `<prefix>-<random>` and returns its name. */
export async function newNamespace(prefix: string): Promise<string> {
  const name = `${prefix.toLowerCase().replace(/[^a-z0-9-]/g, "-").slice(0, 40)}-${randomBytes(3).toString("hex")}`;
  await env().kc.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name } } });
  namespaces.push(name);
  return name;
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs kubectl against the test control plane, as a user types it. Never throws on a non-zero exit. */
export async function kubectl(args: string[], opts: { input?: string } = {}): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = execFile("kubectl", ["--kubeconfig", env().kubeconfigPath, ...args], { maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

async function applyCrd(): Promise<void> {
  for (const crd of [discourseCrd(), discourseBackupCrd()]) await applyOneCrd(crd);
}

async function applyOneCrd(crd: V1CustomResourceDefinition): Promise<void> {
  const api = env().kc.makeApiClient(ApiextensionsV1Api);
  const name = crd.metadata?.name ?? "";
  // Through kubectl, not the typed client: the client's serializer knows the schema's
  // `x-kubernetes-*` keys only as `x_kubernetes_*` and silently drops them, which turns
  // int-or-string fields into invalid ones and loses the CEL rules.
  const applied = await kubectl(["apply", "--server-side", "--force-conflicts", "--field-manager=discourse-operator-tests", "-f", "-"], {
    input: JSON.stringify(crd),
  });
  if (applied.code !== 0) throw new Error(`applying CRD ${name} failed: ${applied.stderr}`);
  for (let i = 0; i < 300; i++) {
    const live = await api.readCustomResourceDefinition({ name });
    if (live.status?.conditions?.some((c) => c.type === "Established" && c.status === "True")) return;
    await sleep(100);
  }
  throw new Error(`CRD ${name} not Established after 30s`);
}

/** Installs (or updates) the Discourse and DiscourseBackup CRDs once per run and waits until it is Established. */
export async function installCrd(): Promise<void> {
  crdInstalled ??= applyCrd();
  return crdInstalled;
}

const startOnce = (): Promise<ControlPlane> => startControlPlane({ owner: process.pid });

/**
 * When a new test file starts, deletes the namespaces of the files before it (without
 * waiting): their forums' pods would otherwise hold the simulated nodes' capacity and keep
 * the controllers busy for the rest of the run. A file's `before` hooks run before its first
 * test's root `beforeEach`, so what they made (after the last test of the previous file) is
 * kept. Objects held by a finalizer of a reconciler that no longer runs keep their namespace
 * Terminating; their pods still go.
 */
async function cleanUpEarlierFiles(file: string | undefined): Promise<void> {
  if (file === currentFile) return;
  currentFile = file;
  const done = namespaces.slice(0, ended);
  namespaces = namespaces.slice(ended);
  ended = 0;
  if (done.length > 0) await kubectl(["delete", "namespace", ...done, "--wait=false", "--ignore-not-found"]);
}

export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(45 * 60_000); // a cold Go build of the binaries can take this long
    plane = await startOnce().catch((err: unknown) => {
      // The free ports are picked, released, then bound by the processes: another program on
      // this machine can take one in between, and the process then exits at once. One retry
      // with new ports; a second failure is real (its message names the log folder).
      process.stderr.write(`control plane did not start (${String(err)}); retrying once with new ports\n`);
      return startOnce();
    });
    kubeConfig = new KubeConfig();
    kubeConfig.loadFromFile(plane.kubeconfigPath);
  },
  async beforeEach(this: Mocha.Context): Promise<void> {
    await cleanUpEarlierFiles(this.currentTest?.file);
  },
  afterEach(): void {
    ended = namespaces.length; // every namespace made so far belongs to a test that ran
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(30_000);
    await plane?.stop();
    plane = undefined;
  },
};
