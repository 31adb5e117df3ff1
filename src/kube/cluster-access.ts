/**
 * How to reach the API server: its URL, and for each request an HTTP agent
 * (TLS material, connections kept alive) and the authentication headers.
 *
 * The reconciler needs nothing more, and loading @kubernetes/client-node's
 * `KubeConfig` costs about 70 MiB of resident memory (its config module imports
 * the generated index, every API group and model), so `loadClusterAccess` reads
 * the common kubeconfigs itself, as kubectl's loading rules do
 * (https://kubernetes.io/docs/concepts/configuration/organize-cluster-access-kubeconfig/):
 * --kubeconfig, then KUBECONFIG, then ~/.kube/config, then the pod's service
 * account (https://kubernetes.io/docs/tasks/run-application/access-api-from-pod/).
 * Anything it does not handle itself (exec and auth-provider plugins, basic
 * auth, proxies, impersonation, several files in KUBECONFIG) is loaded by the
 * library (`accessFromKubeConfig`), so every kubeconfig kubectl accepts still works.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { existsSync, readFileSync } from "node:fs";
import { Agent as HttpAgent } from "node:http";
import { Agent as HttpsAgent, type AgentOptions, type RequestOptions } from "node:https";
import { homedir } from "node:os";
import { delimiter, dirname, isAbsolute, join } from "node:path";
import { parse } from "yaml";

/** What one request needs. */
export interface PreparedRequest {
  /** For requests: at most REQUEST_SOCKETS connections. */
  agent: HttpAgent;
  /** For watches, which hold their connection for minutes: not limited, so they never take the requests' connections. */
  watchAgent: HttpAgent;
  headers: Record<string, string>;
}

/** See the file comment. */
export interface ClusterAccess {
  /** `https://host:port`, without a trailing slash. */
  readonly server: string;
  /** The agent and headers of the next request (a token file is re-read when stale; new TLS material gets a new agent). */
  prepare(): Promise<PreparedRequest>;
}

/**
 * Connections for requests per API server (Node's default keeps 256 idle ones); watches have
 * an agent of their own, so they never take these. Each TLS connection opened costs the
 * process ~0.2 MiB of malloc'd memory that glibc keeps after it closes, and a convergence
 * needs many requests in flight (16 workers, a phase's children written at once). At 200
 * forums on 2 cores (docs/benchmarks.md, fourth session): 16 connections converged in 52 s
 * against a floor of 19 s; 32 in 27–30 s against 18–22 s, at 97.5–97.8 MiB; 64 in 30 s
 * against 21 s, at 107 MiB.
 */
const REQUEST_SOCKETS = 32;
/** A token file is re-read when older than this (bound service account tokens rotate), in milliseconds. */
const TOKEN_MAX_AGE_MS = 60_000;
const SERVICE_ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

function keepAliveAgent(server: string, tls: AgentOptions, maxSockets = REQUEST_SOCKETS): HttpAgent {
  return server.startsWith("https:") ? new HttpsAgent({ ...tls, keepAlive: true, maxSockets }) : new HttpAgent({ keepAlive: true, maxSockets });
}

/** The agents of one set of TLS material: requests', and watches' (not limited). */
function agentPair(server: string, tls: AgentOptions): { agent: HttpAgent; watchAgent: HttpAgent } {
  return { agent: keepAliveAgent(server, tls), watchAgent: keepAliveAgent(server, tls, Infinity) };
}

function fingerprint(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString("base64");
  if (Array.isArray(value)) return value.map(fingerprint).join(",");
  return typeof value === "string" || typeof value === "boolean" ? String(value) : value === undefined ? "" : JSON.stringify(value);
}

/**
 * Access through a @kubernetes/client-node KubeConfig (any auth it supports): per request,
 * `applyToHTTPSOptions` gives the TLS material and headers; the agent is kept (keep-alive)
 * while the material stays the same. A proxied cluster keeps the library's agent.
 * @throws Error when the kubeconfig has no current cluster.
 */
export function accessFromKubeConfig(kc: KubeConfig): ClusterAccess {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error("no Kubernetes cluster configured: set KUBECONFIG or pass --kubeconfig");
  const server = cluster.server.replace(/\/+$/, "");
  let agents: { agent: HttpAgent; watchAgent: HttpAgent } | undefined;
  let material = "";
  return {
    server,
    async prepare() {
      const opts: RequestOptions = {};
      await kc.applyToHTTPSOptions(opts);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(opts.headers ?? {})) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : String(v);
      if (opts.auth) headers.Authorization = `Basic ${Buffer.from(opts.auth).toString("base64")}`;
      if (cluster.proxyUrl && opts.agent instanceof HttpAgent) return { agent: opts.agent, watchAgent: opts.agent, headers };
      const tls: AgentOptions = { ca: opts.ca, cert: opts.cert, key: opts.key, pfx: opts.pfx, passphrase: opts.passphrase, rejectUnauthorized: opts.rejectUnauthorized, servername: opts.servername };
      const now = Object.values(tls).map(fingerprint).join("|");
      if (!agents || now !== material) {
        agents?.agent.destroy();
        agents?.watchAgent.destroy();
        agents = agentPair(server, tls);
        material = now;
      }
      return { ...agents, headers };
    },
  };
}

/** A token read from a file, re-read when older than TOKEN_MAX_AGE_MS. */
function tokenFile(path: string): () => string {
  let token = "";
  let readAt = 0;
  return () => {
    if (!token || Date.now() - readAt > TOKEN_MAX_AGE_MS) {
      token = readFileSync(path, "utf8").trim();
      readAt = Date.now();
    }
    return token;
  };
}

function staticAccess(server: string, tls: AgentOptions, token: (() => string) | null): ClusterAccess {
  const agents = agentPair(server, tls);
  return {
    server: server.replace(/\/+$/, ""),
    prepare: () => {
      const headers: Record<string, string> = token ? { Authorization: `Bearer ${token()}` } : {};
      return Promise.resolve({ ...agents, headers });
    },
  };
}

interface NamedCluster { name: string; cluster: Record<string, unknown> }
interface NamedUser { name: string; user: Record<string, unknown> }
interface NamedContext { name: string; context: { cluster: string; user: string } }
interface KubeconfigFile {
  "current-context"?: string;
  clusters?: NamedCluster[];
  users?: NamedUser[];
  contexts?: NamedContext[];
}

const CLUSTER_KEYS = new Set(["server", "certificate-authority", "certificate-authority-data", "insecure-skip-tls-verify", "tls-server-name", "extensions"]);
const USER_KEYS = new Set(["client-certificate", "client-certificate-data", "client-key", "client-key-data", "token", "tokenFile", "extensions"]);

/** A kubeconfig path (relative to the kubeconfig's folder) or inline base64 data, as a Buffer. */
function material(base: string, entry: Record<string, unknown>, key: string): Buffer | undefined {
  const data = entry[`${key}-data`];
  if (typeof data === "string") return Buffer.from(data, "base64");
  const file = entry[key];
  if (typeof file === "string") return readFileSync(isAbsolute(file) ? file : join(base, file));
  return undefined;
}

/** Access from one kubeconfig file, or null when it needs what only the library handles. */
function fromFile(path: string): ClusterAccess | null {
  const doc = (parse(readFileSync(path, "utf8")) ?? {}) as KubeconfigFile;
  const context = doc.contexts?.find((c) => c.name === doc["current-context"])?.context;
  const cluster = doc.clusters?.find((c) => c.name === context?.cluster)?.cluster;
  const user = doc.users?.find((u) => u.name === context?.user)?.user ?? {};
  if (!cluster || typeof cluster.server !== "string") return null;
  if (!Object.keys(cluster).every((k) => CLUSTER_KEYS.has(k)) || !Object.keys(user).every((k) => USER_KEYS.has(k))) return null;
  return staticAccess(cluster.server, tlsOptions(dirname(path), cluster, user), bearer(user));
}

function tlsOptions(base: string, cluster: Record<string, unknown>, user: Record<string, unknown>): AgentOptions {
  return {
    ca: material(base, cluster, "certificate-authority"),
    cert: material(base, user, "client-certificate"),
    key: material(base, user, "client-key"),
    ...(cluster["insecure-skip-tls-verify"] === true ? { rejectUnauthorized: false } : {}),
    ...(typeof cluster["tls-server-name"] === "string" ? { servername: cluster["tls-server-name"] } : {}),
  };
}

function bearer(user: Record<string, unknown>): (() => string) | null {
  const token = user.token;
  if (typeof token === "string") return () => token;
  return typeof user.tokenFile === "string" ? tokenFile(user.tokenFile) : null;
}

function inCluster(): ClusterAccess | null {
  const host = process.env.KUBERNETES_SERVICE_HOST;
  const port = process.env.KUBERNETES_SERVICE_PORT;
  if (!host || !port || !existsSync(join(SERVICE_ACCOUNT, "token"))) return null;
  const server = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return staticAccess(server, { ca: readFileSync(join(SERVICE_ACCOUNT, "ca.crt")) }, tokenFile(join(SERVICE_ACCOUNT, "token")));
}

/** The kubeconfig file the loading rules pick, "" for in-cluster, or null for "only the library can tell" (several files in KUBECONFIG). */
function chosenFile(path: string | undefined): string | null {
  if (path) return path;
  const env = process.env.KUBECONFIG;
  if (env) {
    const files = env.split(delimiter).filter(Boolean);
    return files.length === 1 ? (files[0] as string) : null;
  }
  const home = join(homedir(), ".kube", "config");
  return existsSync(home) ? home : "";
}

/**
 * Loads the access to the cluster by kubectl's rules (see the file comment).
 * @param path - an explicit kubeconfig file (--kubeconfig).
 * @throws Error when no cluster is configured, or a file cannot be read.
 */
export async function loadClusterAccess(path?: string): Promise<ClusterAccess> {
  const file = chosenFile(path);
  const lean = file === null ? null : file === "" ? inCluster() : fromFile(file);
  if (lean) return lean;
  const { loadKubeConfig } = await import("./config.js");
  return accessFromKubeConfig(await loadKubeConfig(path));
}
