/**
 * Cluster facts answered from memory, the way controller-runtime's cached
 * client serves its webhooks: an admission request costs no API call in the
 * steady state.
 *
 * - Hostnames: an informer on every Discourse of the cluster
 *   (reconciler/informer/informer.ts: list + watch, backoff, 410 relist, stall
 *   detection) feeds a {@link HostnameIndex}; `otherHostnames` is one map lookup.
 *   Until the first list is in, the cluster is listed per request, as before
 *   (correctness first), and {@link CachedFactsSource.synced} is false (the
 *   server's /readyz answers 503).
 * - Secrets, for the validating webhook's warnings and its "this Secret belongs
 *   to another forum" check: a per `namespace/name` {@link TtlCache} of the
 *   Secret's metadata (labels; read metadata-only, never data:
 *   secret-metadata.ts) with single-flight loading; "exists" is kept
 *   {@link DEFAULT_SECRET_PRESENT_TTL_MS}, "absent"
 *   {@link DEFAULT_SECRET_ABSENT_TTL_MS}; a hit past half of that also re-reads
 *   in the background (refresh-ahead), so a Secret in steady use never costs a
 *   request its GET. Whether the credentials Secret must be generated is never
 *   decided from this cache: the mutating webhook creates it and takes 409
 *   AlreadyExists as "exists" (admit.ts). Secrets are NOT watched: that would
 *   hold every Secret of the cluster in memory and need list/watch on all of
 *   them, where the webhook has get/create only. A label-restricted informer
 *   would not do either: the referenced Secrets (TLS, SMTP, Redis, env) are the
 *   user's and carry no label of ours.
 * - The Route API: cached by {@link KubeFactsSource.routeApiAvailable}.
 *
 * Staleness, and why it is acceptable:
 * - Two Discourses created at nearly the same moment with the same hostname
 *   can both be admitted: neither is in the index (nor would it be in a list)
 *   when the other is judged. The informer widens that window by the watch
 *   delay (milliseconds on a healthy apiserver). A list per request has the
 *   same race; only a uniqueness constraint in storage could close it, and the
 *   reconciler reports a duplicate it meets (reconciler/steps/check-spec.ts).
 * - A Secret created or deleted less than a TTL ago may be reported as it was:
 *   at worst a wrong "does not exist yet" warning, or a Secret of another forum
 *   admitted once, which the reconciler then refuses (Degraded). A Secret the
 *   webhook creates itself is recorded at once with its labels; one whose
 *   create met 409 is forgotten, so the next request reads it afresh
 *   ({@link CachedFactsSource.recordingCreator}).
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { API_VERSION, KIND } from "../../src/api/constants.js";
import type { Logger } from "../../src/log.js";
import { KubeClient } from "../../reconciler/client/kube-client.js";
import { Informer, type InformerHandler } from "../../reconciler/informer/informer.js";
import { isPlainObject } from "../admission/object.js";
import { apiErrorCode } from "../../src/kube/errors.js";
import type { SecretCreator } from "../credentials/ensure-credentials-secret.js";
import { HostnameIndex, indexEvent } from "./hostname-index.js";
import { KubeFactsSource, type KubeFactsOptions } from "./kube-facts.js";
import { referencedSecretNames } from "./referenced-secrets.js";
import { TtlCache } from "./ttl-cache.js";
import type { SecretMetadata } from "./secret-metadata.js";
import { secretFacts, type ClusterFacts, type FactNeeds, type FactsSource, type HostnameClaim } from "./types.js";

/** How long "this Secret exists" is reused, ms (a deleted Secret is rare and only costs a warning). */
export const DEFAULT_SECRET_PRESENT_TTL_MS = 30_000;
/** How long "this Secret does not exist" is reused, ms (Secrets are often created right after the forum). */
export const DEFAULT_SECRET_ABSENT_TTL_MS = 5_000;

/** What this source needs of an informer; reconciler/informer/informer.ts's `Informer` is one. */
export interface DiscourseInformer {
  on(handler: InformerHandler): void;
  start(): void;
  stop(): Promise<void>;
  /** Resolves once the first list is in (and its add events were delivered). */
  readonly synced: Promise<void>;
}

export interface CachedFactsOptions {
  /** See {@link DEFAULT_SECRET_PRESENT_TTL_MS}. */
  secretPresentTtlMs?: number;
  /** See {@link DEFAULT_SECRET_ABSENT_TTL_MS}. */
  secretAbsentTtlMs?: number;
  /** Clock in milliseconds, for tests. */
  now?: () => number;
}

function hostnameOf(object: unknown): string | undefined {
  if (!isPlainObject(object) || !isPlainObject(object.spec)) return undefined;
  return typeof object.spec.hostname === "string" ? object.spec.hostname : undefined;
}

function nameOf(object: unknown): string | undefined {
  if (!isPlainObject(object) || !isPlainObject(object.metadata)) return undefined;
  return typeof object.metadata.name === "string" ? object.metadata.name : undefined;
}

/** See the file comment. `start()` it, `stop()` it on shutdown. */
export class CachedFactsSource implements FactsSource {
  readonly index = new HostnameIndex();
  private readonly secrets: TtlCache<SecretMetadata | null>;
  private isSynced = false;
  /** Resolves once the index holds the first full list (never rejects; pending until then). */
  readonly whenSynced: Promise<void>;

  /**
   * @param direct - reads the API: the Route API (cached there), Secrets on a
   *   miss, and the Discourse list until the informer has synced.
   * @param informer - on Discourse objects, cluster-wide.
   */
  constructor(
    private readonly direct: KubeFactsSource,
    private readonly informer: DiscourseInformer,
    options: CachedFactsOptions = {},
  ) {
    const present = options.secretPresentTtlMs ?? DEFAULT_SECRET_PRESENT_TTL_MS;
    const absent = options.secretAbsentTtlMs ?? DEFAULT_SECRET_ABSENT_TTL_MS;
    this.secrets = new TtlCache<SecretMetadata | null>({
      ttlMs: (found) => (found ? present : absent),
      // A hit past half the TTL answers at once and re-reads in the background: steady traffic never waits for a GET.
      refreshAhead: 0.5,
      ...(options.now ? { now: options.now } : {}),
    });
    informer.on(indexEvent(this.index));
    this.whenSynced = informer.synced.then(() => {
      this.isSynced = true;
    });
  }

  /**
   * The source of a live cluster: one keep-alive connection for the direct
   * reads, one watch of `discourses` (needs get/list/watch on them).
   */
  static fromKubeConfig(kc: KubeConfig, opts: CachedFactsOptions & KubeFactsOptions & { logger: Logger }): CachedFactsSource {
    const direct = KubeFactsSource.fromKubeConfig(kc, opts);
    const logger = opts.logger.child({ component: "webhook-facts" });
    const informer = new Informer({ client: new KubeClient(kc), apiVersion: API_VERSION, kind: KIND, logger });
    return new CachedFactsSource(direct, informer, opts);
  }

  /** Start listing and watching Discourse objects (returns at once; see `synced`). */
  start(): void {
    this.informer.start();
  }

  /** Stop the watch; resolves when the informer's loop has ended. */
  async stop(): Promise<void> {
    await this.informer.stop();
  }

  /** Whether the hostname index holds the first full list (readiness). */
  get synced(): boolean {
    return this.isSynced;
  }

  /** @inheritdoc */
  async gather(object: unknown, namespace: string, needs: FactNeeds = {}): Promise<ClusterFacts> {
    const [routeApiAvailable, otherHostnames, secrets] = await Promise.all([
      this.direct.routeApiAvailable(),
      this.otherHostnames(object, namespace),
      needs.secrets === false ? null : this.secretsMetadata(namespace, referencedSecretNames(object)),
    ]);
    return { routeApiAvailable, otherHostnames, ...(secrets ? secretFacts(secrets) : {}) };
  }

  /**
   * Other Discourse objects claiming the object's spec.hostname (case-insensitive),
   * from the index; before the first sync, every other Discourse, listed.
   * The hostname rule (webhooks/validation/rules/hostname.ts) only reads
   * claims of the same hostname, so both answers judge alike.
   */
  async otherHostnames(object: unknown, namespace: string): Promise<HostnameClaim[]> {
    const name = nameOf(object);
    if (!this.isSynced) return this.direct.otherHostnames(namespace, name);
    const hostname = hostnameOf(object);
    return hostname === undefined ? [] : this.index.claimsOf(hostname, { namespace, name });
  }

  /**
   * The metadata of those of `names` that exist as Secrets in `namespace`,
   * from the cache or one metadata-only GET each.
   *
   * @throws Error naming the Secret when a GET fails other than 404 (nothing cached then).
   */
  async secretsMetadata(namespace: string, names: string[]): Promise<Map<string, SecretMetadata>> {
    if (namespace === "" || names.length === 0) return new Map();
    const found = await Promise.all(
      names.map(async (name) => [name, await this.secrets.get(`${namespace}/${name}`, () => this.direct.secretMetadata(namespace, name))] as const),
    );
    return new Map(found.filter((e): e is readonly [string, SecretMetadata] => e[1] !== null));
  }

  /** Names of those of `names` that exist as Secrets in `namespace` (see {@link secretsMetadata}). */
  async existingSecrets(namespace: string, names: string[]): Promise<Set<string>> {
    return new Set((await this.secretsMetadata(namespace, names)).keys());
  }

  /**
   * `api`, with every Secret it creates remembered with its labels, so the
   * validating request that follows a create neither warns nor reads it again;
   * a Secret whose create met 409 is forgotten: its labels are not known, and
   * the validating webhook must read them afresh.
   */
  recordingCreator(api: SecretCreator): SecretCreator {
    const key = (param: Parameters<SecretCreator["createNamespacedSecret"]>[0]): string | null => {
      const name = param.body.metadata?.name;
      return name ? `${param.namespace}/${name}` : null;
    };
    return {
      createNamespacedSecret: async (param, options) => {
        const k = key(param);
        try {
          const created = await api.createNamespacedSecret(param, options);
          if (k) this.secrets.set(k, { labels: { ...(param.body.metadata?.labels ?? {}) } });
          return created;
        } catch (err) {
          if (k && apiErrorCode(err) === 409) this.secrets.delete(k);
          throw err;
        }
      },
    };
  }
}
