/**
 * API clients that reuse their connections to the apiserver.
 *
 * @kubernetes/client-node 1.x builds a new https.Agent for every request
 * (KubeConfig#applySecurityAuthentication → createAgent), so each call opens
 * a new TCP connection and does a full TLS handshake (with a client
 * certificate, on both sides), and the apiserver pays for it too. That made
 * each admission request (three API calls) and each reconciler write cost a
 * handshake. Here the kubeconfig still sets the headers of every request (a
 * bearer token file is re-read as before); only the agent is replaced by one
 * keep-alive agent per client, rebuilt when the TLS material changes.
 * Proxied clusters and plain-http servers keep the library's agent.
 *
 * Every request has a deadline at which its socket is destroyed (src/kube/deadline-http.ts),
 * so a half-open connection never hangs a caller.
 */
import { deadlineHttpLibrary, type DeadlineOptions } from "./deadline-http.js";
import { createConfiguration, ServerConfiguration, type Configuration, type KubeConfig, type RequestContext, type SecurityAuthentication } from "@kubernetes/client-node";
import { Agent, type AgentOptions } from "node:https";

/** Connections kept open per apiserver (Node's default keeps 256 idle ones). */
const MAX_SOCKETS = 64;

function fingerprint(value: unknown): string {
  if (Buffer.isBuffer(value)) return value.toString("base64");
  if (Array.isArray(value)) return value.map(fingerprint).join(",");
  if (typeof value === "string" || typeof value === "boolean") return String(value);
  return value === undefined ? "" : JSON.stringify(value);
}

class KeepAliveAuthentication implements SecurityAuthentication {
  private agent: Agent | undefined;
  private material = "";

  constructor(private readonly kc: KubeConfig) {}

  getName(): string {
    return "kubeconfig authentication with keep-alive";
  }

  async applySecurityAuthentication(context: RequestContext): Promise<void> {
    await this.kc.applySecurityAuthentication(context);
    const cluster = this.kc.getCurrentCluster();
    const fresh = context.getAgent();
    if (cluster?.proxyUrl || !(fresh instanceof Agent) || !cluster?.server.startsWith("https:")) return;
    context.setAgent(this.reuse(fresh.options));
  }

  private reuse(options: AgentOptions): Agent {
    // The kubeconfig hands out new Buffers on every request: compare contents.
    const material = [options.ca, options.cert, options.key, options.pfx, options.passphrase, options.rejectUnauthorized, options.servername].map(fingerprint).join("|");
    if (!this.agent || material !== this.material) {
      this.agent?.destroy();
      this.agent = new Agent({ ...options, keepAlive: true, maxSockets: MAX_SOCKETS });
      this.material = material;
    }
    return this.agent;
  }
}

/**
 * Like `kc.makeApiClient(type)`, with connections reused across requests and a deadline on each.
 * @param deadlines - per-request timeout (default 30 s) and an optional cancelling AbortSignal.
 * @throws Error when the kubeconfig has no current cluster.
 */
export function makeKeepAliveClient<T>(kc: KubeConfig, type: new (config: Configuration) => T, deadlines: DeadlineOptions = {}): T {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error("No active cluster!");
  const config = createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: new KeepAliveAuthentication(kc) },
    httpApi: deadlineHttpLibrary(deadlines),
  });
  return new type(config);
}
