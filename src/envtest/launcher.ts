/**
 * A real local Kubernetes control plane that runs workloads: etcd,
 * kube-apiserver, kube-controller-manager (garbage collection, namespaces,
 * service accounts, Deployments, Jobs, PodDisruptionBudgets, volume binding
 * with the host-path test provisioner) and kube-scheduler, bound to 127.0.0.1
 * on free ports the way controller-runtime's envtest runs them; and KWOK,
 * which simulates three Nodes and the lifecycle of the pods bound to them
 * (test/envtest/kwok/stages.yaml). No container runs: pods become Running,
 * Ready or Succeeded as KWOK's Stages say, never by executing an image.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { binariesIn, ensureBinaries, type Binaries } from "./binaries.js";
import { adminKubeconfig } from "./kubeconfig.js";
import { admissionClientArgs } from "./admission-client.js";
import { generatePki, type ControlPlanePki } from "./pki.js";
import { alive, killGroupsNow, startDetached, startReaper, stopGroups } from "./processes.js";
import { defaultStorageClass, KWOK_STAGES_PATH, NODE_NAMES, SIMULATED_NODE_LABEL, simulatedNode } from "./simulated-nodes.js";

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
  /** Folder with all five binaries; default: built or found by test/envtest/build.sh. */
  binDir?: string;
  /** Working folder (etcd data, certificates, logs); default: a new temporary folder. */
  dir?: string;
  /** When this pid dies, a reaper ends every process and removes `dir`. */
  owner?: number;
  /** How long to wait for readiness, in ms (default 60 000). */
  readyTimeoutMs?: number;
  /**
   * Run workloads (default true): kube-scheduler, KWOK and its three Nodes, the
   * host-path provisioner and the default StorageClass. false: only etcd,
   * kube-apiserver and kube-controller-manager (without the PersistentVolume binder), where
   * pods and claims stay Pending (the benchmark's convergence figures are measured so, to
   * compare with earlier runs).
   */
  workloads?: boolean;
  /**
   * kube-controller-manager's `--kube-api-qps` (its `--kube-api-burst` is twice that). Absent:
   * its default, 20 requests/s (burst 30). A fleet of 2,000 forums asks it for about 16,000
   * requests (a pod per StatefulSet and Job, a claim per StatefulSet, their status updates):
   * 13 minutes at 20/s. The benchmark raises it, as large clusters do.
   */
  controllerManagerQps?: number;
}

export interface ControlPlane {
  /** https URL of the kube-apiserver. */
  server: string;
  /** Working folder; logs are in `<dir>/logs/`. */
  dir: string;
  /** Path of the admin kubeconfig (system:masters). */
  kubeconfigPath: string;
  /** Process-group ids of etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok. */
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
    // TaintNodesByCondition taints every new Node node.kubernetes.io/not-ready:NoSchedule;
    // only the node-lifecycle controller removes it. That controller is not run (it would
    // also mark pods NotReady and evict them whenever simulated heartbeats lag on a busy
    // machine, and node failure is not what these tests simulate), so the taint is not added.
    "--disable-admission-plugins=ServiceAccount,TaintNodesByCondition",
    "--enable-priority-and-fairness=false",
    "--v=0",
  ];
}

/**
 * What kube-controller-manager and kube-scheduler share: they reach the apiserver, and check
 * who calls them, with `kubeconfig`; they serve no port (`--secure-port=0`); each runs alone,
 * so no leader election.
 */
function componentArgs(kubeconfig: string): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    "--bind-address=127.0.0.1",
    "--secure-port=0",
    "--leader-elect=false",
  ];
}

function controllerManagerArgs(f: Record<string, string>, kubeconfig: string, workloads: boolean, qps?: number): string[] {
  return [
    ...componentArgs(kubeconfig),
    ...(qps !== undefined ? [`--kube-api-qps=${qps}`, `--kube-api-burst=${2 * qps}`] : []),
    // Without workloads there is no provisioner and no PersistentVolume: the binder would only
    // re-sync every Pending claim each 15 s and record an Event for each (at 2,000 forums,
    // 6,000 claims: more Events than kube-controller-manager's queue holds, and an apiserver
    // kept busy for the whole benchmark).
    `--controllers=${(workloads ? CONTROLLERS : CONTROLLERS.filter((c) => c !== "persistentvolume-binder")).join(",")}`,
    `--service-account-private-key-file=${f.saKey}`,
    `--root-ca-file=${f.ca}`,
    "--concurrent-gc-syncs=20",
    // The in-tree host-path provisioner ("for single node testing only"): the
    // default StorageClass's claims get a PersistentVolume, and bind.
    `--enable-hostpath-provisioner=${String(workloads)}`,
    "--v=0",
  ];
}

function schedulerArgs(kubeconfig: string): string[] {
  return [...componentArgs(kubeconfig), "--v=0"];
}

/** KWOK manages only the Nodes labelled SIMULATED_NODE_LABEL, with our Stages; it serves no port. */
function kwokArgs(kubeconfig: string): string[] {
  return [
    `--kubeconfig=${kubeconfig}`,
    `--config=${KWOK_STAGES_PATH}`,
    "--manage-all-nodes=false",
    `--manage-nodes-with-label-selector=${SIMULATED_NODE_LABEL.key}=${SIMULATED_NODE_LABEL.value}`,
    "--v=ERROR",
  ];
}

/** One request to the apiserver as admin; `body` is sent as JSON. */
async function call(method: string, url: string, pki: ControlPlanePki, body?: unknown): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    const headers = body === undefined ? {} : { "content-type": "application/json" };
    const req = request(url, { method, headers, ca: pki.caCert, cert: pki.adminCert, key: pki.adminKey, timeout: 5000 }, (r) => {
      let text = "";
      r.setEncoding("utf8").on("data", (d: string) => (text += d));
      r.on("end", () => res({ status: r.statusCode ?? 0, body: text }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", rej);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const get = (url: string, pki: ControlPlanePki): Promise<{ status: number; body: string }> => call("GET", url, pki);

/** Creates an object (201) or finds it there (409). @throws Error on any other answer. */
async function create(server: string, path: string, obj: unknown, pki: ControlPlanePki): Promise<void> {
  const r = await call("POST", `${server}${path}`, pki, obj);
  if (r.status !== 201 && r.status !== 409) throw new Error(`POST ${path}: ${r.status} ${r.body.slice(0, 300)}`);
}

/** Whether every simulated node reports condition Ready=True. */
async function nodesReady(server: string, pki: ControlPlanePki): Promise<boolean> {
  const r = await get(`${server}/api/v1/nodes?labelSelector=${SIMULATED_NODE_LABEL.key}%3D${SIMULATED_NODE_LABEL.value}`, pki);
  if (r.status !== 200) return false;
  const items = (JSON.parse(r.body) as { items: { status?: { conditions?: { type: string; status: string }[] } }[] }).items;
  const ready = items.filter((n) => n.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True"));
  return ready.length === NODE_NAMES.length;
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
 * Starts etcd, kube-apiserver, kube-controller-manager, kube-scheduler and
 * KWOK; once the apiserver's /readyz answers ok, creates the default
 * StorageClass and the simulated Nodes; returns when the controller manager
 * has created the `default` ServiceAccount (so garbage collection and
 * namespaces work) and KWOK reports every node Ready.
 * @throws Error when a binary is missing, a process exits early, or readiness times out
 *   (the message names the log folder); every process started is stopped first.
 */
export async function startControlPlane(opts: StartOptions = {}): Promise<ControlPlane> {
  const bin: Binaries = opts.binDir ? binariesIn(opts.binDir) : await ensureBinaries();
  const workloads = opts.workloads ?? true;
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
    pids.push(startDetached(bin.etcd, etcdArgs(dir, etcdPort, peerPort), join(logs, "etcd.log")));
    pids.push(startDetached(bin["kube-apiserver"], [...apiserverArgs(files, apiPort, etcdPort), ...admissionArgs], join(logs, "kube-apiserver.log")));
    pids.push(startDetached(bin["kube-controller-manager"], controllerManagerArgs(files, kubeconfigPath, workloads, opts.controllerManagerQps), join(logs, "kube-controller-manager.log")));
    if (workloads) {
      pids.push(startDetached(bin["kube-scheduler"], schedulerArgs(kubeconfigPath), join(logs, "kube-scheduler.log")));
      pids.push(startDetached(bin.kwok, kwokArgs(kubeconfigPath), join(logs, "kwok.log")));
    }
    if (opts.owner !== undefined) {
      reaper = startReaper(opts.owner, pids, dir);
      process.on("exit", onExit);
    }
    const deadline = Date.now() + (opts.readyTimeoutMs ?? 60_000);
    await waitUntil("kube-apiserver /readyz", deadline, pids, logs, async () => (await get(`${server}/readyz`, pki)).status === 200);
    if (workloads) {
      await create(server, "/apis/storage.k8s.io/v1/storageclasses", defaultStorageClass(), pki);
      for (let i = 0; i < NODE_NAMES.length; i++) await create(server, "/api/v1/nodes", simulatedNode(i), pki);
    }
    await waitUntil("the controller manager (default ServiceAccount)", deadline, pids, logs, async () => {
      return (await get(`${server}/api/v1/namespaces/default/serviceaccounts/default`, pki)).status === 200;
    });
    if (workloads) await waitUntil("the simulated nodes to be Ready (kwok)", deadline, pids, logs, () => nodesReady(server, pki));
  } catch (err) {
    await stop();
    throw err;
  }
  return { server, dir, kubeconfigPath, pids, stop };
}
