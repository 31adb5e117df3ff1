/**
 * The reconciler process: informers on Discourse and every owned kind, a
 * keyed work queue, a periodic resync of every Discourse, an orphan-Secret
 * sweep, and optional leader election. Only the leader runs workers; every
 * instance keeps its caches warm so a follower takes over at once. With a
 * shard, only that shard's keys are queued and the Lease is the shard's own.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import type { ClusterAccess } from "../src/kube/cluster-access.js";
import { API_VERSION, KIND, LABEL_COMPONENT } from "../src/api/constants.js";
import { logger as rootLogger, type Logger } from "../src/log.js";
import type { ChildStore } from "./apply/child-store.js";
import { OWNED_KINDS, OWNED_LABEL_SELECTOR } from "./builders/index.js";
import { RECONCILER_API_CALLS } from "./client/api-calls.js";
import { describeError, KubeClient, type KubeObject } from "./client/kube-client.js";
import { EventRecorder } from "./events/event-recorder.js";
import { Informer, type InformerEvent } from "./informer/informer.js";
import { childCacheDictionary } from "./informer/cache-dictionary.js";
import { objectKey } from "./informer/object-cache.js";
import { childChanged, discourseChanged, ownerKeys } from "./informer/owner-key.js";
import { LeaderElector } from "./leader/leader-elector.js";
import { createMetrics, type ReconcilerMetrics } from "./metrics.js";
import { LOW_PRIORITY, type TakenKey } from "./queue/priority-buckets.js";
import { WorkQueue } from "./queue/work-queue.js";
import { reconcile, type ReconcileContext } from "./reconcile.js";
import { SettledChildren } from "./steps/settled-children.js";
import { ownsKey, shardLeaseName, type Shard } from "./shard/shard.js";
import { hostnameIndexValue, hostnameIndexValues, hostnameOf } from "./steps/hostname-holder.js";
import { removeOrphanSecrets } from "./steps/orphan-secrets.js";
import { BackupController } from "./backups/backup-controller.js";
import { BACKUP_KIND } from "../src/api/backup-constants.js";

/** The forums an object belongs to, for a shard's cache: a DiscourseBackup by spec.discourse, a child by ownerKeys. */
function shardKeys(o: KubeObject): string[] {
  const forum = o.kind === BACKUP_KIND ? (o.spec as { discourse?: unknown } | undefined)?.discourse : undefined;
  return typeof forum === "string" ? [objectKey(o.metadata.namespace, forum)] : ownerKeys(o);
}

/** The index value of the children of `namespace` with component label `component` (see childIndexValues). */
function componentIndexValue(namespace: string, component: string): string {
  return `component\u0000${namespace}\u0000${component}`;
}

/** A child is filed under the keys of the forums that own it, and under its namespace and component label. */
function childIndexValues(o: KubeObject): string[] {
  const component = o.metadata.labels?.[LABEL_COMPONENT];
  const byComponent = component ? [componentIndexValue(o.metadata.namespace ?? "", component)] : [];
  return [...ownerKeys(o), ...byComponent];
}

/**
 * Discourse objects reconciled at the same time by default. A reconcile is a chain of
 * round trips (finalizer, Secrets, three phases of children, status), so its workers mostly
 * wait on the API server. Measured on 2 cores (npm run bench, 200 forums, docs/benchmarks.md):
 * once a reconcile of an unchanged child stopped reading and comparing it (apply-child.ts),
 * 4 workers converged in 25.7 s, 8 in 20.5 s and 16 in 18.6 s. (Before that change, when
 * the reconciler's own CPU was the bottleneck, 10 were no faster than 4.) The API server's
 * priority and fairness protects it from a burst; a key is never reconciled twice at once.
 */
export const DEFAULT_CONCURRENCY = 16;

/** The Lease of leader election (one per shard: see shardLeaseName). */
export const DEFAULT_LEASE_NAME = "discourse-operator-reconciler";

export interface ReconcilerOptions {
  /** The cluster: a ClusterAccess (what the CLI loads, without @kubernetes/client-node) or a library KubeConfig. */
  kc: ClusterAccess | KubeConfig;
  /** Discourse objects reconciled at the same time. Defaults to DEFAULT_CONCURRENCY. */
  concurrency?: number;
  /** Every Discourse is reconciled this often (drift correction), in milliseconds. Defaults to 600000 (10 minutes). */
  resyncPeriodMs?: number;
  /** A credentials Secret whose Discourse never came to exist is removed after this long, in milliseconds. Defaults to 600000. */
  orphanSecretGraceMs?: number;
  leaderElection?: { enabled: boolean; namespace: string; leaseName?: string; identity?: string; leaseDurationMs?: number };
  /** Watch one namespace; absent: all namespaces. */
  namespace?: string;
  logger?: Logger;
  /** Silent-watch restart threshold of the informers, in milliseconds (see Informer). */
  stallTimeoutMs?: number;
  /** Reconcile only this shard's Discourse objects (see reconciler/shard/shard.ts); absent: all. Leader election then uses the shard's own Lease. */
  shard?: Shard;
  /** How often backup schedules and retention are looked at, in milliseconds. Defaults to 10000. */
  backupTickMs?: number;
}

export interface ReconcilerHandle {
  /** Resolves when every informer has listed its kind (workers run once leading). */
  ready: Promise<void>;
  /** Stops: no new work, in-flight reconciles finish, queued Events are written (at most 5 s), the lease is released, informers stop. */
  stop(): Promise<void>;
  /** Stops at once: no drain, no lease release (what a crash leaves behind). */
  abort(): Promise<void>;
  /** Whether this instance runs workers now. */
  isLeader(): boolean;
  /** Write requests sent by reconciling (everything but the Lease of leader election). */
  writeRequests(): number;
  /** Enqueues every Discourse now (what the periodic resync does). */
  resyncNow(): void;
  metrics: ReconcilerMetrics;
  /** The informers, by kind (for tests and diagnostics). */
  informers: Map<string, Informer>;
}

class Controller {
  readonly metrics = createMetrics(() => this.depth());
  readonly informers = new Map<string, Informer>();
  private readonly log: Logger;
  /** Reconciling, Events, the orphan sweep: fenced by the leader election when enabled. */
  private readonly client: KubeClient;
  /** Informers and discovery: reads only, never fenced (followers keep their caches warm). */
  private readonly readClient: KubeClient;
  private readonly events: EventRecorder;
  /** Forums whose children were all found as desired (steps/settled-children.ts). */
  private readonly settled = new SettledChildren();
  private queue: WorkQueue | null = null;
  /** The previous term's shutdown: a new term starts workers only after it (no key runs twice at once). */
  private stopping: Promise<void> = Promise.resolve();
  private resyncTimer: NodeJS.Timeout | undefined;
  private readonly elector: LeaderElector | null = null;
  private routeApi = false;
  private writes = 0;
  private backups: BackupController | null = null;

  constructor(private readonly opts: ReconcilerOptions) {
    const shard = opts.shard ? { shard: `${opts.shard.index}/${opts.shard.count}` } : {};
    this.log = (opts.logger ?? rootLogger).child({ component: "reconciler", ...shard });
    const le = opts.leaderElection;
    if (le?.enabled) {
      const leaseMs = le.leaseDurationMs ?? 15_000;
      // The elector's own client: its Lease writes are not fenced, and no request outlives the renew deadline.
      const leaseClient = new KubeClient(opts.kc, { onWrite: (verb, kind) => this.metrics.writeRequests.inc({ verb, kind }), requestTimeoutMs: Math.floor((leaseMs * 2) / 3), calls: RECONCILER_API_CALLS });
      // One Lease per shard: a standby of the same shard takes it over.
      const leaseName = shardLeaseName(le.leaseName ?? DEFAULT_LEASE_NAME, opts.shard);
      this.elector = new LeaderElector(leaseClient, { ...le, leaseName }, this.log);
    }
    this.client = new KubeClient(opts.kc, {
      onWrite: (verb, kind) => {
        this.metrics.writeRequests.inc({ verb, kind });
        this.writes++;
      },
      ...(this.elector ? { fence: this.elector } : {}),
      calls: RECONCILER_API_CALLS,
    });
    this.readClient = new KubeClient(opts.kc, { calls: RECONCILER_API_CALLS });
    this.events = new EventRecorder(this.client, this.log);
  }

  get writeCount(): number {
    return this.writes;
  }

  get leading(): boolean {
    return this.queue !== null;
  }

  async start(): Promise<void> {
    this.routeApi = await this.readClient.serves("route.openshift.io/v1");
    this.addInformer(API_VERSION, KIND, undefined, (event, obj, old) => {
      if (event !== "delete" && discourseChanged(obj, old)) this.enqueue(objectKey(obj.metadata.namespace, obj.metadata.name));
      // A forum that gives up a hostname (deleted, or renamed) may hand it to a newer one.
      const released = event === "delete" ? hostnameOf(obj) : old && hostnameOf(old) !== hostnameOf(obj) ? hostnameOf(old) : "";
      if (released) this.enqueueClaimants(released);
    });
    for (const k of OWNED_KINDS) {
      if (k.optional && !this.routeApi) continue;
      this.addInformer(k.apiVersion, k.kind, OWNED_LABEL_SELECTOR, (event, obj, old) => {
        if (event === "update" && !childChanged(obj, old)) return;
        ownerKeys(obj).forEach((key) => this.enqueue(key));
      });
    }
    this.addBackupController();
    for (const inf of this.informers.values()) inf.start();
    await Promise.all([...this.informers.values()].map((i) => i.synced));
    if (this.elector) this.elector.start(() => void this.startWorkers(), () => void this.stopWorkers());
    else void this.startWorkers();
  }

  /** The second controller (reconciler/backups/): an informer on DiscourseBackup objects, handlers on Discourse, Job and claim events. */
  private addBackupController(): void {
    this.addInformer(API_VERSION, BACKUP_KIND, undefined, (event, obj, old) => {
      this.backups?.onBackup(event as InformerEvent, obj, old);
      // The restore and before-upgrade gates of the forum read the backup's phase. Every
      // event counts: the backup controller writes a new status into this cache itself, so
      // the watch event of that write may carry no visible change.
      const forum = (obj.spec as { discourse?: unknown } | undefined)?.discourse;
      if (typeof forum === "string") this.enqueue(objectKey(obj.metadata.namespace, forum));
    });
    const backups = new BackupController({
      client: this.client,
      discourses: this.cache(KIND),
      backups: this.cache(BACKUP_KIND),
      store: this.store(),
      events: this.events,
      logger: this.log,
      routeApiAvailable: this.routeApi,
      ...(this.opts.backupTickMs !== undefined ? { tickMs: this.opts.backupTickMs } : {}),
      ...(this.opts.shard ? { ownsForum: (key: string) => ownsKey(this.opts.shard, key) } : {}),
    });
    this.backups = backups;
    this.informers.get(KIND)?.on(backups.onDiscourse);
    this.informers.get("Job")?.on(backups.onJob);
    this.informers.get("PersistentVolumeClaim")?.on(backups.onClaim);
  }

  private addInformer(apiVersion: string, kind: string, labelSelector: string | undefined, handler: (e: string, o: KubeObject, old?: KubeObject) => void): void {
    // A shard caches only its own forums' children (most of the memory); every Discourse is kept (hostname holders span shards).
    const shard = this.opts.shard;
    const keep = shard && kind !== KIND ? (o: KubeObject) => shardKeys(o).some((k) => ownsKey(shard, k)) : undefined;
    // Children (~13 per forum, most of the memory) are held deflated and indexed by owning forum and component (object-cache.ts).
    const child = kind !== KIND && kind !== BACKUP_KIND;
    // Discourses are indexed by hostname: a reconcile finds the claimants of its hostname without a scan of the fleet.
    const cache = child ? { compact: true, dictionary: childCacheDictionary(), indexBy: childIndexValues } : kind === KIND ? { indexBy: hostnameIndexValues } : {};
    const inf = new Informer({ client: this.readClient, apiVersion, kind, namespace: this.opts.namespace, labelSelector, logger: this.log, stallTimeoutMs: this.opts.stallTimeoutMs, cache, ...(keep ? { keep } : {}) });
    inf.on(handler);
    this.informers.set(kind, inf);
  }

  /** Queues `key`: events (a user's change, drift of a child) at the default priority, the resync at LOW_PRIORITY. */
  private enqueue(key: string, priority?: number): void {
    if (ownsKey(this.opts.shard, key)) this.queue?.add(key, priority);
  }

  private depth(): { event: number; resync: number } {
    const q = this.queue;
    if (!q) return { event: 0, resync: 0 };
    const resync = q.waitingAt(LOW_PRIORITY);
    return { event: q.length - resync, resync };
  }

  /** Enqueues every cached Discourse that claims `hostname`. */
  private enqueueClaimants(hostname: string): void {
    for (const d of this.informers.get(KIND)?.cache.indexed(hostnameIndexValue(hostname)) ?? []) this.enqueue(objectKey(d.metadata.namespace, d.metadata.name));
  }

  /** Queues every Discourse at low priority: events that arrive meanwhile go first. */
  resyncNow(): void {
    const forums = this.informers.get(KIND)?.cache.list() ?? [];
    this.log.debug({ forums: forums.length }, `resync: ${forums.length} forums queued`);
    for (const d of forums) this.enqueue(objectKey(d.metadata.namespace, d.metadata.name), LOW_PRIORITY);
    if (this.queue) this.backups?.resync();
  }

  private async startWorkers(): Promise<void> {
    await this.stopping;
    if (this.elector && !this.elector.isLeader) return;
    const queue = new WorkQueue({
      concurrency: this.opts.concurrency ?? DEFAULT_CONCURRENCY,
      onError: (key, _err, retryInMs) => this.log.debug({ key, retryInMs }, "reconcile will be retried"),
    });
    this.queue = queue;
    queue.start((key, item) => this.reconcileKey(key, item));
    this.backups?.start();
    this.resyncNow();
    void this.sweepOrphans();
    const period = this.opts.resyncPeriodMs ?? 600_000;
    this.resyncTimer = setInterval(() => {
      this.resyncNow();
      void this.sweepOrphans();
    }, period);
    this.resyncTimer.unref();
  }

  /**
   * Stops taking work. In-flight reconciles always finish before a new term starts: on a
   * lost lease their requests were cancelled (the term's AbortSignal), so they end at once.
   */
  private async stopWorkers(): Promise<void> {
    clearInterval(this.resyncTimer);
    const q = this.queue;
    this.queue = null;
    const done = Promise.all([q?.shutdown(true), this.backups?.stop(true)]).then(() => undefined);
    this.stopping = this.stopping.then(() => done);
    await this.stopping;
  }

  private context(log: Logger): ReconcileContext {
    return { client: this.client, discourses: this.cache(KIND), backups: this.cache(BACKUP_KIND), store: this.store(), events: this.events, logger: log, routeApiAvailable: this.routeApi, settled: this.settled };
  }

  private cache(kind: string): Informer["cache"] {
    const inf = this.informers.get(kind);
    if (!inf) throw new Error(`no informer for ${kind}`);
    return inf.cache;
  }

  private store(): ChildStore {
    return {
      get: (kind, ns, name) => this.informers.get(kind)?.cache.get(ns, name),
      owned: (kind, forumKey) => this.informers.get(kind)?.cache.indexed(forumKey) ?? [],
      withComponent: async (kind, ns, component) => {
        const inf = this.informers.get(kind);
        if (!inf) return [];
        // A shard's cache drops other shards' children; a restore Job of a forum in another shard may read this one's backup.
        if (!this.opts.shard || this.opts.shard.count === 1) return inf.cache.indexed(componentIndexValue(ns, component));
        const owned = OWNED_KINDS.find((k) => k.kind === kind);
        if (!owned) return [];
        const page = await this.readClient.list(owned.apiVersion, kind, { namespace: ns, labelSelector: `${OWNED_LABEL_SELECTOR},${LABEL_COMPONENT}=${component}` });
        return page.items;
      },
      resourceVersion: (kind, ns, name) => {
        const cache = this.informers.get(kind)?.cache;
        const key = objectKey(ns, name);
        return cache?.has(key) ? (cache.resourceVersionOf(key) ?? "") : undefined;
      },
      covers: (kind) => this.informers.has(kind),
      verified: (kind, ns, name, token) => this.informers.get(kind)?.cache.verified(ns, name, token) ?? false,
      markVerified: (live, token) => this.informers.get(live.kind)?.cache.markVerified(live.metadata.namespace, live.metadata.name, live.metadata.resourceVersion, token),
      remember: (obj) => this.informers.get(obj.kind)?.cache.setIfNewer(obj),
    };
  }

  private async reconcileKey(key: string, item: TakenKey): Promise<void> {
    const [namespace, name] = key.split("/");
    const cause = item.priority === LOW_PRIORITY ? "resync" : "event";
    const log = this.log.child({ namespace, name, cause });
    this.metrics.queueWait.observe({ cause }, item.waitedMs / 1000);
    const t0 = performance.now();
    const end = this.metrics.reconcileDuration.startTimer();
    try {
      const outcome = await reconcile(this.context(log), key);
      const durationMs = Math.round(performance.now() - t0);
      log.info({ durationMs, outcome }, `reconcile of ${key} done in ${durationMs} ms: ${outcome}`);
      this.metrics.reconciles.inc({ outcome });
    } catch (err) {
      const durationMs = Math.round(performance.now() - t0);
      log.error({ durationMs, outcome: "error", err: describeError(err) }, `reconcile of ${key} failed after ${durationMs} ms`);
      this.metrics.reconciles.inc({ outcome: "error" });
      throw err;
    } finally {
      end();
    }
  }

  /** Removes credentials Secrets whose Discourse never came to exist. Never throws. */
  async sweepOrphans(): Promise<void> {
    try {
      const secrets = (this.informers.get("Secret")?.cache.list() ?? []).filter((s) => ownerKeys(s).some((k) => ownsKey(this.opts.shard, k)));
      await removeOrphanSecrets(this.context(this.log), secrets, this.opts.orphanSecretGraceMs ?? 600_000);
    } catch (err) {
      this.log.warn({ err: describeError(err) }, "orphan Secret sweep failed");
    }
  }

  async stop(graceful: boolean): Promise<void> {
    if (graceful) await this.stopWorkers();
    else {
      clearInterval(this.resyncTimer);
      void this.queue?.shutdown(false);
      this.queue = null;
    }
    await this.events.shutdown(graceful);
    await this.elector?.stop(graceful);
    await Promise.all([...this.informers.values()].map((i) => i.stop()));
  }
}

/**
 * Starts the reconciler (see the file comment). The promise resolves once it started
 * (informers were created); await `ready` for the first full list of every kind.
 * SIGTERM handling belongs to the caller: call `stop()`, which drains in-flight work.
 */
export function startReconciler(opts: ReconcilerOptions): Promise<ReconcilerHandle> {
  const c = new Controller(opts);
  const ready = c.start();
  ready.catch(() => undefined);
  return Promise.resolve({
    ready,
    stop: () => c.stop(true),
    abort: () => c.stop(false),
    isLeader: () => c.leading,
    writeRequests: () => c.writeCount,
    resyncNow: () => c.resyncNow(),
    metrics: c.metrics,
    informers: c.informers,
  });
}
