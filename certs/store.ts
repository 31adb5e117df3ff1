/**
 * Where certificates are kept so they survive restarts: a folder for local
 * runs (folder-store.ts), a Secret in a cluster (secret-store.ts).
 */
import type { CertificateSet } from "./types.js";

/** File names (folder) and data keys (Secret) of a stored set; tls.crt/tls.key as in a kubernetes.io/tls Secret. */
export const STORE_KEYS = {
  caCert: "ca.crt",
  caKey: "ca.key",
  cert: "tls.crt",
  key: "tls.key",
  caBundle: "ca-bundle.crt",
} as const satisfies Record<keyof CertificateSet, string>;

/** A stored set and the version it was read at (for optimistic concurrency). */
export interface StoredCertificates {
  set: CertificateSet;
  version: string;
}

export interface CertificateStore {
  /** Where the store is, for log lines (never the data). */
  readonly location: string;
  /** The stored set, or null when none is stored (or it is incomplete). */
  load(): Promise<StoredCertificates | null>;
  /**
   * Store `set` unless someone else wrote since `expectedVersion` was read
   * (null: expect that nothing is stored).
   *
   * @returns the new version, or null on such a conflict (reload then).
   */
  save(set: CertificateSet, expectedVersion: string | null): Promise<string | null>;
}

/** A set from key/value text, or null when a key is missing. */
export function setFromEntries(get: (key: string) => string | undefined): CertificateSet | null {
  const caCert = get(STORE_KEYS.caCert);
  const caKey = get(STORE_KEYS.caKey);
  const cert = get(STORE_KEYS.cert);
  const key = get(STORE_KEYS.key);
  const caBundle = get(STORE_KEYS.caBundle);
  if (!caCert || !caKey || !cert || !key || !caBundle) return null;
  return { caCert, caKey, cert, key, caBundle };
}
