/**
 * A local control plane that
 * outlives the command, for the demo, `npm start` and trying things by hand.
 * Its state is in .envtest/cluster/ and its admin kubeconfig in .envtest/kubeconfig.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { REPO_ROOT } from "./binaries.js";
import { startControlPlane } from "./launcher.js";
import { alive, stopGroups } from "./processes.js";

/** State folder; DISCOURSE_ENVTEST_DIR moves it (tests use that to run a second one). */
export const ENVTEST_DIR = process.env.DISCOURSE_ENVTEST_DIR ?? join(REPO_ROOT, ".envtest");
export const CLUSTER_DIR = join(ENVTEST_DIR, "cluster");
export const KUBECONFIG_PATH = join(ENVTEST_DIR, "kubeconfig");
const STATE_PATH = join(ENVTEST_DIR, "cluster.json");

interface State {
  server: string;
  pids: number[];
  dir: string;
}

/** Whether the apiserver of `server` (https://127.0.0.1:PORT) accepts connections. */
async function reachable(server: string): Promise<boolean> {
  const url = new URL(server);
  return new Promise((resolve) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) }, () => {
      socket.end();
      resolve(true);
    });
    socket.setTimeout(1000, () => socket.destroy());
    socket.on("error", () => resolve(false));
    socket.on("close", () => resolve(false));
  });
}

/** The recorded control plane, when every process is alive and its apiserver answers. */
async function runningState(): Promise<State | null> {
  const state = readState();
  return state && state.pids.every((p) => alive(p)) && (await reachable(state.server)) ? state : null;
}

function readState(): State | null {
  if (!existsSync(STATE_PATH)) return null;
  return JSON.parse(readFileSync(STATE_PATH, "utf8")) as State;
}

/**
 * Starts the local control plane in the background unless one is running.
 * @returns the admin kubeconfig path.
 */
export async function clusterUp(): Promise<string> {
  const state = await runningState();
  if (state) {
    console.error(`local control plane already running at ${state.server}`);
    return KUBECONFIG_PATH;
  }
  if (readState()) await clusterDown();
  mkdirSync(ENVTEST_DIR, { recursive: true });
  rmSync(CLUSTER_DIR, { recursive: true, force: true });
  const started = Date.now();
  const cp = await startControlPlane({ dir: CLUSTER_DIR });
  copyFileSync(cp.kubeconfigPath, KUBECONFIG_PATH);
  writeFileSync(STATE_PATH, JSON.stringify({ server: cp.server, pids: cp.pids, dir: cp.dir } satisfies State));
  console.error(`local control plane ready at ${cp.server} in ${((Date.now() - started) / 1000).toFixed(1)}s (logs: ${join(cp.dir, "logs")})`);
  return KUBECONFIG_PATH;
}

/** Stops the background control plane, if any, and removes its state. */
export async function clusterDown(): Promise<void> {
  const state = readState();
  if (!state) {
    console.error("no local control plane is running");
    return;
  }
  await stopGroups(state.pids);
  rmSync(state.dir, { recursive: true, force: true });
  rmSync(STATE_PATH, { force: true });
  rmSync(KUBECONFIG_PATH, { force: true });
  console.error("local control plane stopped");
}

export interface LocalCluster {
  kubeconfigPath: string;
  /** Whether this process started it (and stops it on exit). */
  owned: boolean;
  stop(): Promise<void>;
}

/**
 * The local control plane for `npm start` and the demo: the one `cluster:up`
 * left running, or a new one owned by this process (stopped with it, by a
 * reaper if it crashes). Its kubeconfig is .envtest/kubeconfig either way.
 */
export async function startOrReuseLocalCluster(): Promise<LocalCluster> {
  if (await runningState()) {
    return { kubeconfigPath: KUBECONFIG_PATH, owned: false, stop: () => Promise.resolve() };
  }
  if (readState()) await clusterDown();
  mkdirSync(ENVTEST_DIR, { recursive: true });
  rmSync(CLUSTER_DIR, { recursive: true, force: true });
  const cp = await startControlPlane({ dir: CLUSTER_DIR, owner: process.pid });
  copyFileSync(cp.kubeconfigPath, KUBECONFIG_PATH);
  writeFileSync(STATE_PATH, JSON.stringify({ server: cp.server, pids: cp.pids, dir: cp.dir } satisfies State));
  return {
    kubeconfigPath: KUBECONFIG_PATH,
    owned: true,
    stop: async () => {
      await cp.stop();
      rmSync(STATE_PATH, { force: true });
      rmSync(KUBECONFIG_PATH, { force: true });
    },
  };
}
