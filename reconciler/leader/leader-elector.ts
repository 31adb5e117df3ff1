/**
 * Leader election with a coordination.k8s.io/v1 Lease, as client-go's
 * leaderelection package does it: a candidate creates the Lease or takes it
 * over once the holder stopped renewing it for `leaseDurationMs` (measured on
 * the candidate's own clock from when it last saw the record change, so clock
 * skew between nodes does not matter); the leader renews it every
 * `retryPeriodMs` and gives up leading when it could not renew for
 * `renewDeadlineMs`; a graceful stop releases the Lease so a follower takes
 * over at once. Writes use optimistic concurrency (resourceVersion).
 *
 * Fencing (the elector is the reconciler client's WriteFence): a renewal counts
 * from the moment its request was sent, and the leader steps down as soon as
 * `renewDeadlineMs` passed since the last successful one, by a timer, even
 * while a renewal hangs (a half-open connection; every request also has a
 * deadline, src/kube/deadline-http.ts). From then on no write is sent
 * (`mayWrite()`), and the term's AbortSignal cancels the requests in flight.
 * Since a follower takes over only `leaseDurationMs` after it saw the last
 * renewal, and the renew deadline is shorter, the old leader has stopped
 * writing before another can start. (A request already on the wire cannot be
 * called back; the API server has no fencing tokens.)
 */
import { setMaxListeners } from "node:events";
import type { Logger } from "../../src/log.js";
import { describeError, statusCode, type KubeClient, type KubeObject, type WriteFence } from "../client/kube-client.js";

export interface LeaderElectionOptions {
  namespace: string;
  /** Defaults to `discourse-operator-reconciler`. */
  leaseName?: string;
  /** Unique per process. Defaults to `<hostname>-<random>`. */
  identity?: string;
  /** Defaults to 15000 (client-go's default). */
  leaseDurationMs?: number;
  /** Defaults to two thirds of the lease duration. */
  renewDeadlineMs?: number;
  /** Defaults to a fifth of the lease duration, at least 200. */
  retryPeriodMs?: number;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

const microTime = (d: Date): string => d.toISOString().replace("Z", "000Z");

/** See the file comment. Call `start(onStarted, onStopped)`; `stop()` releases. */
export class LeaderElector implements WriteFence {
  readonly identity: string;
  private readonly leaseName: string;
  private readonly durationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryMs: number;
  private observedVersion = "";
  private observedAt = 0;
  private lastRenew = 0;
  private leading = false;
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private deadlineTimer: NodeJS.Timeout | undefined;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private term: AbortController | null = null;
  private onStopped: () => void = () => undefined;

  constructor(private readonly client: KubeClient, private readonly opts: LeaderElectionOptions, private readonly logger: Logger) {
    this.identity = opts.identity ?? `${process.env.HOSTNAME ?? "discourse-operator"}-${Math.random().toString(36).slice(2, 8)}`;
    this.leaseName = opts.leaseName ?? "discourse-operator-reconciler";
    this.durationMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? Math.floor((this.durationMs * 2) / 3);
    this.retryMs = opts.retryPeriodMs ?? Math.max(200, Math.floor(this.durationMs / 5));
  }

  get isLeader(): boolean {
    return this.leading;
  }

  /** WriteFence: leading, and the last renewal is younger than the renew deadline. */
  mayWrite(): boolean {
    return this.leading && Date.now() - this.lastRenew < this.renewDeadlineMs;
  }

  /** WriteFence: aborts when the current term ends. */
  termSignal(): AbortSignal | undefined {
    return this.term?.signal;
  }

  /** Starts campaigning; `onStarted` runs on becoming leader, `onStopped` on losing the lease. */
  start(onStarted: () => void, onStopped: () => void): void {
    this.onStopped = onStopped;
    this.loop ??= this.campaign(onStarted);
  }

  /** Ends the term: no more writes, in-flight requests cancelled, `onStopped` called. Idempotent. */
  private stepDown(why: string): void {
    clearTimeout(this.deadlineTimer);
    if (!this.leading) return;
    this.leading = false;
    this.term?.abort();
    this.term = null;
    this.logger.warn({ identity: this.identity, lease: this.leaseName }, `lost leadership: ${why}`);
    this.onStopped();
  }

  private renewed(at: number): void {
    this.lastRenew = at;
    clearTimeout(this.deadlineTimer);
    this.deadlineTimer = setTimeout(() => this.stepDown(`no renewal within the renew deadline (${this.renewDeadlineMs} ms)`), Math.max(0, at + this.renewDeadlineMs - Date.now()));
  }

  /** Stops campaigning and, when leading, releases the Lease (holderIdentity cleared). */
  async stop(release = true): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.deadlineTimer);
    this.wake?.();
    await this.loop;
    if (release && this.leading) {
      try {
        const lease = await this.client.get(this.ref());
        if (lease && (lease.spec as LeaseSpec | undefined)?.holderIdentity === this.identity) {
          await this.client.replace({ ...lease, spec: { ...(lease.spec as LeaseSpec), holderIdentity: "", leaseDurationSeconds: 1 } });
        }
      } catch (err) {
        this.logger.warn({ err: describeError(err) }, "could not release the leader lease");
      }
    }
    this.leading = false;
    this.term?.abort();
    this.term = null;
  }

  private ref(): { apiVersion: string; kind: string; namespace: string; name: string } {
    return { apiVersion: "coordination.k8s.io/v1", kind: "Lease", namespace: this.opts.namespace, name: this.leaseName };
  }

  private async campaign(onStarted: () => void): Promise<void> {
    while (!this.stopped) {
      let ok = false;
      const sentAt = Date.now();
      try {
        ok = await this.tryAcquireOrRenew();
      } catch (err) {
        this.logger.debug({ err: describeError(err) }, "lease attempt failed");
      }
      if (this.stopped) break;
      if (ok && Date.now() - sentAt < this.renewDeadlineMs) {
        this.renewed(sentAt);
        if (!this.leading) {
          this.leading = true;
          this.term = new AbortController();
          // Every request of the term listens on its signal: no listener limit.
          setMaxListeners(0, this.term.signal);
          this.logger.info({ identity: this.identity, lease: this.leaseName }, "became leader");
          onStarted();
        }
      } else if (this.leading && Date.now() - this.lastRenew >= this.renewDeadlineMs) {
        this.stepDown("could not renew the lease");
      }
      await new Promise<void>((r) => {
        this.wake = r;
        this.timer = setTimeout(r, this.retryMs);
      });
    }
  }

  private leaseSpec(prev: LeaseSpec | undefined, now: Date): LeaseSpec {
    const taking = prev?.holderIdentity !== this.identity;
    return {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.ceil(this.durationMs / 1000),
      acquireTime: taking || !prev?.acquireTime ? microTime(now) : prev.acquireTime,
      renewTime: microTime(now),
      leaseTransitions: (prev?.leaseTransitions ?? 0) + (taking && prev?.holderIdentity ? 1 : 0),
    };
  }

  /** One round: @returns true when this process holds the lease afterwards. */
  private async tryAcquireOrRenew(): Promise<boolean> {
    const now = new Date();
    const lease = await this.client.get(this.ref());
    if (!lease) {
      const created: KubeObject = { apiVersion: "coordination.k8s.io/v1", kind: "Lease", metadata: { name: this.leaseName, namespace: this.opts.namespace }, spec: this.leaseSpec(undefined, now) };
      try {
        await this.client.create(created);
        return true;
      } catch (err) {
        if (statusCode(err) === 409) return false;
        throw err;
      }
    }
    const spec = (lease.spec ?? {}) as LeaseSpec;
    if (lease.metadata.resourceVersion !== this.observedVersion) {
      this.observedVersion = lease.metadata.resourceVersion ?? "";
      this.observedAt = Date.now();
    }
    const held = Boolean(spec.holderIdentity) && spec.holderIdentity !== this.identity;
    const expired = Date.now() - this.observedAt > (spec.leaseDurationSeconds ?? 15) * 1000;
    if (held && !expired) return false;
    try {
      const stored = await this.client.replace({ ...lease, spec: this.leaseSpec(spec, now) });
      this.observedVersion = stored.metadata.resourceVersion ?? "";
      this.observedAt = Date.now();
      return true;
    } catch (err) {
      if (statusCode(err) === 409) return false;
      throw err;
    }
  }
}
