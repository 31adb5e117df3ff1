/**
 * The benchmark's own local control plane (src/envtest/launcher.ts), the CRD
 * installed, and a small keep-alive HTTPS client for timed API requests (the
 * timing must not include client libraries' per-request setup).
 */
import { KubeConfig } from "@kubernetes/client-node";
import { Agent, request, type RequestOptions } from "node:https";
import { startControlPlane, type ControlPlane } from "../src/envtest/launcher.js";
import { installCrd } from "../src/kube/install.js";

/** One API response: HTTP status and parsed JSON body (null when empty or not JSON). */
export interface ApiResponse {
  status: number;
  body: unknown;
}

/** Sends one request to the apiserver; `path` includes the query string. */
export type ApiRequest = (method: string, path: string, body?: unknown, contentType?: string) => Promise<ApiResponse>;

export interface BenchCluster {
  plane: ControlPlane;
  kc: KubeConfig;
  api: ApiRequest;
  /** Creates a namespace and returns its name. */
  namespace(name: string): Promise<string>;
  stop(): Promise<void>;
}

async function apiClient(kc: KubeConfig): Promise<{ api: ApiRequest; agent: Agent }> {
  const server = new URL(kc.getCurrentCluster()?.server ?? "");
  const tls: RequestOptions = {};
  await kc.applyToHTTPSOptions(tls);
  const agent = new Agent({ keepAlive: true, maxSockets: 64, ca: tls.ca, cert: tls.cert, key: tls.key });
  const api: ApiRequest = (method, path, body, contentType = "application/json") =>
    new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        { host: server.hostname, port: server.port, method, path, agent, headers: payload ? { "content-type": contentType, "content-length": Buffer.byteLength(payload) } : {} },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            let parsed: unknown = null;
            try {
              parsed = text ? JSON.parse(text) : null;
            } catch {
              parsed = text;
            }
            resolve({ status: res.statusCode ?? 0, body: parsed });
          });
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  return { api, agent };
}

/**
 * kube-controller-manager's request rate in the benchmark's clusters (StartOptions.controllerManagerQps):
 * at its default 20/s, the pods and claims of 2,000 forums kept it busy for more than 10 minutes
 * after the convergence, reconciles of those forums' status never stopped, and the idle step
 * (a resync of a fleet nobody changes) could not start.
 */
export const BENCH_CONTROLLER_MANAGER_QPS = 100;

/**
 * Starts the control plane (ended with this process, even on a crash) and installs the CRD.
 * @param opts.workloads - run kube-scheduler and KWOK's nodes (see StartOptions.workloads).
 */
export async function startBenchCluster(opts: { workloads: boolean }): Promise<BenchCluster> {
  const plane = await startControlPlane({ owner: process.pid, workloads: opts.workloads, controllerManagerQps: BENCH_CONTROLLER_MANAGER_QPS });
  const kc = new KubeConfig();
  kc.loadFromFile(plane.kubeconfigPath);
  await installCrd(kc);
  const { api, agent } = await apiClient(kc);
  return {
    plane,
    kc,
    api,
    namespace: async (name) => {
      const res = await api("POST", "/api/v1/namespaces", { apiVersion: "v1", kind: "Namespace", metadata: { name } });
      if (res.status !== 201) throw new Error(`creating namespace ${name}: HTTP ${res.status}`);
      return name;
    },
    stop: async () => {
      agent.destroy();
      await plane.stop();
    },
  };
}

/** Throws unless `res.status` is one of `ok`, naming `what`. */
export function expectStatus(res: ApiResponse, ok: number[], what: string): void {
  if (ok.includes(res.status)) return;
  const message = (res.body as { message?: string } | null)?.message ?? "";
  throw new Error(`${what}: HTTP ${res.status} ${message}`);
}
