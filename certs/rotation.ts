/**
 * Load-or-create on startup and renewal while running. Every check reads
 * the store first, so a set another replica renewed is adopted rather than
 * renewed again; writes are optimistic (see CertificateStore.save).
 */
import type { Logger } from "../src/log.js";
import { createCertificateSet } from "./generate.js";
import { renewCertificateSet, renewalReason } from "./renew.js";
import type { CertificateStore, StoredCertificates } from "./store.js";
import type { CertificateOptions, CertificateSet } from "./types.js";

const MAX_ATTEMPTS = 4;

/** What a check found: the set to serve, and how it came to be. */
export interface CertificateCheck {
  stored: StoredCertificates;
  outcome: "loaded" | "created" | "renewed";
  reason: string;
}

/**
 * The set to serve now: the stored one when still good, otherwise a new or
 * renewed one, written back to the store.
 *
 * @throws Error when the store cannot be read or written, or keeps conflicting.
 */
export async function loadOrCreateCertificates(store: CertificateStore, options: CertificateOptions, now: () => Date = () => new Date()): Promise<CertificateCheck> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const loaded = await store.load();
    const reason = loaded ? renewalReason(loaded.set, options, now()) : "no certificates stored";
    if (loaded && reason === null) return { stored: loaded, outcome: "loaded", reason: "stored certificates are valid" };
    const set = loaded ? await renewCertificateSet(loaded.set, options, now()) : await createCertificateSet(options, now());
    const version = await store.save(set, loaded?.version ?? null);
    if (version !== null) return { stored: { set, version }, outcome: loaded ? "renewed" : "created", reason: reason ?? "" };
    // Someone else wrote first: read theirs.
  }
  throw new Error(`certificates in ${store.location} kept changing while being renewed`);
}

export interface RotationOptions {
  store: CertificateStore;
  options: CertificateOptions;
  /** The set being served at start (from loadOrCreateCertificates). */
  initial: StoredCertificates;
  /**
   * Called when another set must be served (renewed here or by another
   * replica). It should publish `set.caBundle` first, then serve `set.cert`.
   */
  onChange: (set: CertificateSet, check: CertificateCheck) => Promise<void>;
  /** Time between checks, in milliseconds. Default 5 minutes. */
  checkIntervalMs?: number;
  logger?: Logger;
  now?: () => Date;
}

export interface CertificateRotation {
  /** The set served now. */
  current(): CertificateSet;
  /** Run one check at once (also what the timer runs). Never throws; failures are logged and retried. */
  checkNow(): Promise<void>;
  /** Stop the timer. */
  stop(): void;
}

/** Start checking for renewal every `checkIntervalMs`. The timer does not keep the process alive. */
export function startCertificateRotation(opts: RotationOptions): CertificateRotation {
  let served = opts.initial;
  let running: Promise<void> | null = null;
  const check = async (): Promise<void> => {
    try {
      const result = await loadOrCreateCertificates(opts.store, opts.options, opts.now);
      if (result.stored.version === served.version) return;
      opts.logger?.info({ store: opts.store.location, outcome: result.outcome, reason: result.reason }, "serving new certificates");
      await opts.onChange(result.stored.set, result);
      served = result.stored;
    } catch (err) {
      opts.logger?.error({ store: opts.store.location, err: err instanceof Error ? err.message : String(err) }, "certificate check failed");
    }
  };
  const checkNow = (): Promise<void> => {
    running ??= check().finally(() => {
      running = null;
    });
    return running;
  };
  const timer = setInterval(() => void checkNow(), opts.checkIntervalMs ?? 5 * 60_000);
  timer.unref();
  return { current: () => served.set, checkNow, stop: () => clearInterval(timer) };
}
