/**
 * A real local Kubernetes control plane: etcd, kube-apiserver and
 * kube-controller-manager, bound to 127.0.0.1 on free ports, the way
 * controller-runtime's envtest runs them, plus the controller manager so that
 * garbage collection, namespaces and service accounts work as in a cluster.
 * There is no kubelet and no scheduler: pods are created but never run.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ensureBinaries } from "./binaries.js";
import { adminKubeconfig } from "./kubeconfig.js";
import { admissionClientArgs } from "./admission-client.js";
import { generatePki, type ControlPlanePki } from "./pki.js";
import { alive, killGroupsNow, startDetached, startReaper, stopGroups } from "./processes.js";

/** Controllers of kube-controller-manager that a forum's lifecycle needs. */
export const CONTROLLERS = [
  "garbagecollector",
  "namespace",
  "serviceaccount",
  "serviceaccount-token",
  "root-ca-cert-publisher",
  "pvc-protection",
  "persistentvolume-binder",
  "deployment",
  "replicaset",
  "statefulset",
  "job",
  "disruption",
];

export interface StartOptions {
  /** Folder with the binaries; default: built or found by test/envtest/build.sh. */
  binDir?: string;
  /** Working folder (etcd data, certificates, logs); default: a new temporary folder. */
  dir?: string;
  /** When this pid dies, a reaper ends every process and removes `dir`. */
  owner?: number;
  /** How long to wait for readiness, in ms (default 60 000). */
  readyTimeoutMs?: number;
}

export interface ControlPlane {
  /** https URL of the kube-apiserver. */
  server: string;
  /** Working folder; logs are in `<dir>/logs/`. */
  dir: string;
  /** Path of the admin kubeconfig (system:masters). */
  kubeconfigPath: string;
  /** Process-group ids of etcd, kube-apiserver and kube-controller-manager. */
  pids: number[];
  /** Ends every process and removes the working folder. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (released before return, so reuse is a small race). */
export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once("error", rej);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === "object" && addr ? res(addr.port) : rej(new Error("no port"))));
    });
  });
}

function writePki(dir: string, pki: ControlPlanePki): Record<string, string> {
  const files: Record<string, string> = {
    ca: join(dir, "ca.crt"),
    servingCert: join(dir, "apiserver.crt"),
    servingKey: join(dir, "apiserver.key"),
    adminCert: join(dir, "admin.crt"),
    adminKey: join(dir, "admin.key"),
    saKey: join(dir, "sa.key"),
    saPub: join(dir, "sa.pub"),
  };
  const content: Record<string, string> = {
    ca: pki.caCert,
    servingCert: pki.servingCert,
    servingKey: pki.servingKey,
    adminCert: pki.adminCert,
    adminKey: pki.adminKey,
    saKey: pki.serviceAccountKey,
    saPub: pki.serviceAccountPub,
  };
  for (const [k, path] of Object.entries(files)) writeFileSync(path, content[k] ?? "", { mode: 0o600 });
  return files;
}

function etcdArgs(dir: string, clientPort: number, peerPort: number): string[] {
  const peer = `http://127.0.0.1:${peerPort}`;
  return [
    "--name=default",
    `--data-dir=${join(dir, "etcd")}`,
    `--listen-client-urls=http://127.0.0.1:${clientPort}`,
    `--advertise-client-urls=http://127.0.0.1:${clientPort}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=default=${peer}`,
    "--unsafe-no-fsync=true",
    "--log-level=warn",
  ];
}

function apiserverArgs(f: Record<string, string>, port: number, etcdPort: number): string[] {
  return [
    `--etcd-servers=http://127.0.0.1:${etcdPort}`,
    "--bind-address=127.0.0.1",
    "--advertise-address=127.0.0.1",
    `--secure-port=${port}`,
    `--tls-cert-file=${f.servingCert}`,
    `--tls-private-key-file=${f.servingKey}`,
    `--client-ca-file=${f.ca}`,
    "--authorization-mode=RBAC",
    `--service-account-issuer=https://kubernetes.default.svc.cluster.local`,
    `--service-account-key-file=${f.saPub}`,
    `--service-account-signing-key-file=${f.saKey}`,
    "--service-cluster-ip-range=10.0.0.0/16", // room for the Services of hundreds of forums (3 each)
    "--allow-privileged=true",
    "--disable-admission-plugins=ServiceAccount",
    "--enable-priority-and-fairness=false",
    "--v=0",
  ];
}

function controllerManagerArgs(f: Record<string, string>, kubeconfig: string): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    "--bind-address=127.0.0.1",
    "--secure-port=0",
    "--leader-elect=false",
    `--controllers=${CONTROLLERS.join(",")}`,
    `--service-account-private-key-file=${f.saKey}`,
    `--root-ca-file=${f.ca}`,
    "--concurrent-gc-syncs=20",
    "--v=0",
  ];
}

async function get(url: string, pki: ControlPlanePki): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    const req = request(url, { ca: pki.caCert, cert: pki.adminCert, key: pki.adminKey, timeout: 2000 }, (r) => {
      let body = "";
      r.setEncoding("utf8").on("data", (d: string) => (body += d));
      r.on("end", () => res({ status: r.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", rej);
    req.end();
  });
}

async function waitUntil(what: string, deadline: number, pids: number[], logs: string, check: () => Promise<boolean>): Promise<void> {
  for (;;) {
    if (await check().catch(() => false)) return;
    const dead = pids.find((p) => !alive(p));
    if (dead !== undefined) throw new Error(`a control-plane process exited while waiting for ${what}; see ${logs}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; see ${logs}`);
    await sleep(100);
  }
}

/**
 * Starts etcd, kube-apiserver and kube-controller-manager and waits until the
 * apiserver's /readyz answers ok and the controller manager has created the
 * `default` ServiceAccount (so garbage collection and namespaces work).
 * @throws Error when a binary is missing, a process exits early, or readiness times out
 *   (the message names the log folder); every process started is stopped first.
 */
export async function startControlPlane(opts: StartOptions = {}): Promise<ControlPlane> {
  const binDir = opts.binDir ?? (await ensureBinaries());
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "discourse-envtest-"));
  const logs = join(dir, "logs");
  mkdirSync(logs, { recursive: true });
  const pki = await generatePki();
  const files = writePki(dir, pki);
  const admissionArgs = await admissionClientArgs(dir, pki);
  const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const server = `https://127.0.0.1:${apiPort}`;
  const kubeconfigPath = join(dir, "kubeconfig");
  writeFileSync(kubeconfigPath, adminKubeconfig(server, pki.caCert, pki.adminCert, pki.adminKey), { mode: 0o600 });

  const pids: number[] = [];
  let reaper = 0;
  const onExit = (): void => killGroupsNow(pids);
  const stop = async (): Promise<void> => {
    process.off("exit", onExit);
    await stopGroups(pids);
    if (reaper) killGroupsNow([reaper]);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    pids.push(startDetached(join(binDir, "etcd"), etcdArgs(dir, etcdPort, peerPort), join(logs, "etcd.log")));
    pids.push(startDetached(join(binDir, "kube-apiserver"), [...apiserverArgs(files, apiPort, etcdPort), ...admissionArgs], join(logs, "kube-apiserver.log")));
    pids.push(
      startDetached(join(binDir, "kube-controller-manager"), controllerManagerArgs(files, kubeconfigPath), join(logs, "kube-controller-manager.log")),
    );
    if (opts.owner !== undefined) {
      reaper = startReaper(opts.owner, pids, dir);
      process.on("exit", onExit);
    }
    const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
    await waitUntil("kube-apiserver /readyz", deadline, pids, logs, async () => (await get(`${server}/readyz`, pki)).status === 200);
    await waitUntil("the controller manager (default ServiceAccount)", deadline, pids, logs, async () => {
      return (await get(`${server}/api/v1/namespaces/default/serviceaccounts/default`, pki)).status === 200;
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { server, dir, kubeconfigPath, pids, stop };
}
