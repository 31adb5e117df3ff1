/**
 * Gathering cluster facts for the admission rules with @kubernetes/client-node.
 * The processors never call the API; the server calls `gather()` first and
 * hands the result over.
 */
import { ApisApi, CustomObjectsApi, type KubeConfig } from "@kubernetes/client-node";
import { GROUP, PLURAL, VERSION } from "../../src/api/constants.js";
import { makeKeepAliveClient } from "../../src/kube/keep-alive.js";
import { isPlainObject } from "../admission/object.js";
import { apiErrorCode } from "../../src/kube/errors.js";
import { referencedSecretNames } from "./referenced-secrets.js";
import { SecretMetadataApi, type SecretMetadata, type SecretMetadataReader } from "./secret-metadata.js";
import { secretFacts, type ClusterFacts, type FactNeeds, type FactsSource, type HostnameClaim } from "./types.js";

/** The OpenShift Route API group and version whose presence makes ingress.kind default to Route. */
export const ROUTE_GROUP = "route.openshift.io";
export const ROUTE_VERSION = "v1";

/** Narrow views of the clients, so tests and callers can pass small doubles. */
export interface FactsClients {
  apis: Pick<ApisApi, "getAPIVersions">;
  /** Metadata-only reads of Secrets (secret-metadata.ts): the webhook never reads a Secret's data. */
  secrets: SecretMetadataReader;
  custom: Pick<CustomObjectsApi, "listClusterCustomObject">;
}

export interface KubeFactsOptions {
  /** How long the Route API answer is reused, in milliseconds. Default 5 minutes. */
  routeApiTtlMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

function claimOf(item: unknown): HostnameClaim | null {
  if (!isPlainObject(item) || !isPlainObject(item.metadata) || !isPlainObject(item.spec)) return null;
  const { namespace, name } = item.metadata;
  const { hostname } = item.spec;
  if (typeof namespace !== "string" || typeof name !== "string" || typeof hostname !== "string") return null;
  return { namespace, name, hostname };
}

/** The identity of the object under admission, to leave it out of `otherHostnames`. */
function selfName(object: unknown): string | undefined {
  if (!isPlainObject(object) || !isPlainObject(object.metadata)) return undefined;
  return typeof object.metadata.name === "string" ? object.metadata.name : undefined;
}

/** Facts from a live cluster. */
export class KubeFactsSource implements FactsSource {
  private routeApi: { value: boolean; at: number } | undefined;
  private readonly ttlMs: number;
  private readonly now: () => number;

  constructor(private readonly clients: FactsClients, options: KubeFactsOptions = {}) {
    this.ttlMs = options.routeApiTtlMs ?? 5 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Clients built from a kubeconfig (connections kept alive: one request per fact, no handshake each). */
  static fromKubeConfig(kc: KubeConfig, options: KubeFactsOptions = {}): KubeFactsSource {
    const clients = { apis: makeKeepAliveClient(kc, ApisApi), secrets: SecretMetadataApi.fromKubeConfig(kc), custom: makeKeepAliveClient(kc, CustomObjectsApi) };
    return new KubeFactsSource(clients, options);
  }

  /** @inheritdoc */
  async gather(object: unknown, namespace: string, needs: FactNeeds = {}): Promise<ClusterFacts> {
    const [routeApiAvailable, otherHostnames, secrets] = await Promise.all([
      this.routeApiAvailable(),
      this.otherHostnames(namespace, selfName(object)),
      needs.secrets === false ? null : this.secretsMetadata(namespace, referencedSecretNames(object)),
    ]);
    return { routeApiAvailable, otherHostnames, ...(secrets ? secretFacts(secrets) : {}) };
  }

  /** Whether route.openshift.io/v1 is served; cached for the TTL. */
  async routeApiAvailable(): Promise<boolean> {
    const cached = this.routeApi;
    if (cached && this.now() - cached.at < this.ttlMs) return cached.value;
    const list = await this.clients.apis.getAPIVersions();
    const value = list.groups.some((g) => g.name === ROUTE_GROUP && g.versions.some((v) => v.version === ROUTE_VERSION));
    this.routeApi = { value, at: this.now() };
    return value;
  }

  /** spec.hostname of every Discourse in the cluster but `namespace/name`. */
  async otherHostnames(namespace: string, name: string | undefined): Promise<HostnameClaim[]> {
    const list: unknown = await this.clients.custom.listClusterCustomObject({ group: GROUP, version: VERSION, plural: PLURAL });
    const items = isPlainObject(list) && Array.isArray(list.items) ? (list.items as unknown[]) : [];
    return items
      .map(claimOf)
      .filter((c): c is HostnameClaim => c !== null && !(c.namespace === namespace && c.name === name));
  }

  /** The metadata of those of `names` that exist as Secrets in `namespace` (404 means absent; other errors throw). */
  async secretsMetadata(namespace: string, names: string[]): Promise<Map<string, SecretMetadata>> {
    if (namespace === "") return new Map();
    const found = await Promise.all(names.map(async (name) => [name, await this.secretMetadata(namespace, name)] as const));
    return new Map(found.filter((e): e is readonly [string, SecretMetadata] => e[1] !== null));
  }

  /**
   * The metadata of Secret `namespace/name`, or null when it does not exist:
   * one metadata-only GET (secret-metadata.ts), so no Secret data ever reaches this process.
   *
   * @throws Error naming the Secret, not the response, on any failure but 404.
   */
  async secretMetadata(namespace: string, name: string): Promise<SecretMetadata | null> {
    try {
      const partial = await this.clients.secrets.readSecretMetadata({ namespace, name });
      return { labels: { ...(partial.metadata?.labels ?? {}) } };
    } catch (err) {
      const code = apiErrorCode(err);
      if (code === 404) return null;
      throw new Error(`reading Secret ${namespace}/${name} failed with HTTP ${code ?? "error"}`);
    }
  }
}
