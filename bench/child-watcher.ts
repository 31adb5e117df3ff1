/**
 * Watches every owned kind in one namespace and tells when objects exist:
 * the end of a convergence (all expected children exist) and of a drift trial
 * (a deleted child exists again). One watch per kind, as an informer would;
 * the same watcher serves the operator run and the floor run, so both pay
 * the same observation cost.
 */
import { Watch, type KubeConfig } from "@kubernetes/client-node";
import { OWNED_KINDS, OWNED_LABEL_SELECTOR } from "../reconciler/builders/index.js";
import { resourcePath, resourceType } from "../reconciler/client/resources.js";
import { childKey } from "./forums.js";

interface Waiter {
  done: () => boolean;
  resolve: (at: number) => void;
  /** Told of every key that comes or goes, before `done` is asked (keeps `done` O(1)). */
  seen?: (key: string, present: boolean) => void;
}

export class ChildWatcher {
  /** Kind/name → uid of what exists now. */
  private readonly present = new Map<string, string>();
  private readonly waiters = new Set<Waiter>();
  private readonly aborts: AbortController[] = [];
  private stopped = false;

  private constructor(private readonly kc: KubeConfig, private readonly namespace: string) {}

  /** Starts one watch per owned kind (Routes left out: not served here). */
  static async start(kc: KubeConfig, namespace: string): Promise<ChildWatcher> {
    const w = new ChildWatcher(kc, namespace);
    await Promise.all(OWNED_KINDS.filter((k) => !k.optional).map((k) => w.watchKind(k.apiVersion, k.kind)));
    return w;
  }

  private async watchKind(apiVersion: string, kind: string): Promise<void> {
    const path = resourcePath(resourceType(apiVersion, kind), this.namespace);
    const onEvent = (phase: string, obj: { metadata?: { name?: string; uid?: string } }): void => {
      const key = childKey(kind, obj.metadata?.name ?? "");
      if (phase === "DELETED") this.present.delete(key);
      else if (phase === "ADDED" || phase === "MODIFIED") this.present.set(key, obj.metadata?.uid ?? "");
      else return;
      for (const w of this.waiters) w.seen?.(key, phase !== "DELETED");
      this.check();
    };
    const restart = (): void => {
      if (!this.stopped) void this.watchKind(apiVersion, kind);
    };
    const abort = await new Watch(this.kc).watch(path, { labelSelector: OWNED_LABEL_SELECTOR, allowWatchBookmarks: false }, onEvent, restart);
    this.aborts.push(abort);
  }

  private check(): void {
    const at = performance.now();
    for (const w of this.waiters) {
      if (!w.done()) continue;
      this.waiters.delete(w);
      w.resolve(at);
    }
  }

  /** uid of `key` when it exists. */
  uid(key: string): string | undefined {
    return this.present.get(key);
  }

  /**
   * Resolves with the performance.now() of the event after which `done()` holds
   * (at once when it holds already).
   * @throws Error after `timeoutMs`, with `describe()` in the message.
   */
  waitUntil(done: () => boolean, timeoutMs: number, describe: () => string, seen?: Waiter["seen"]): Promise<number> {
    if (done()) return Promise.resolve(performance.now());
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { done, resolve: (at) => (clearTimeout(timer), resolve(at)), ...(seen ? { seen } : {}) };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`timed out after ${timeoutMs} ms: ${describe()}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /**
   * Resolves when every key in `keys` exists. The missing keys are kept up to date event by
   * event: counting all of `keys` on each event made the initial watch of a 2,000-forum fleet
   * (26,000 objects) quadratic, minutes of the benchmark's own CPU beside the operator.
   */
  waitForAll(keys: string[], timeoutMs: number): Promise<number> {
    const wanted = new Set(keys);
    const missing = new Set(keys.filter((k) => !this.present.has(k)));
    const seen = (key: string, present: boolean): void => {
      if (!wanted.has(key)) return;
      if (present) missing.delete(key);
      else missing.add(key);
    };
    return this.waitUntil(() => missing.size === 0, timeoutMs, () => `${keys.length - missing.size} of ${keys.length} children exist`, seen);
  }

  /** Resolves when `key` exists with a uid other than `oldUid`. */
  waitForRecreated(key: string, oldUid: string, timeoutMs: number): Promise<number> {
    return this.waitUntil(() => {
      const uid = this.present.get(key);
      return uid !== undefined && uid !== oldUid;
    }, timeoutMs, () => `${key} not recreated`);
  }

  /** Resolves when `key` no longer exists with `oldUid` (its DELETED event was seen, or it was replaced). */
  waitForGone(key: string, oldUid: string, timeoutMs: number): Promise<number> {
    return this.waitUntil(() => this.present.get(key) !== oldUid, timeoutMs, () => `${key} still exists`);
  }

  stop(): void {
    this.stopped = true;
    for (const a of this.aborts) a.abort();
  }
}
