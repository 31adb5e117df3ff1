/**
 * The hostname → claimants index the validating webhook answers
 * "is spec.hostname taken?" from: a map lookup instead of a cluster-wide list.
 * Kept up to date by the Discourse informer (hostname-informer.ts); pure, no I/O.
 */
import type { HostnameClaim } from "./types.js";

/** One Discourse as the index sees it; `hostname` absent when spec.hostname is missing or not a string. */
export interface IndexedObject {
  namespace: string;
  name: string;
  hostname?: string;
}

const keyOf = (namespace: string, name: string): string => `${namespace}/${name}`;
const byKey = (a: HostnameClaim, b: HostnameClaim): number => {
  const x = keyOf(a.namespace, a.name);
  const y = keyOf(b.namespace, b.name);
  return x < y ? -1 : x > y ? 1 : 0;
};

/** Case-folded form used as the index key: DNS names compare case-insensitively (RFC 4343), as the rule does. */
export const foldHostname = (hostname: string): string => hostname.toLowerCase();

/**
 * Index of spec.hostname → the Discourse objects claiming it. An object
 * claims at most one hostname; `set` with a new hostname moves it, `set`
 * without one or `delete` frees the old one.
 */
export class HostnameIndex {
  /** `namespace/name` → its claim. */
  private readonly byObject = new Map<string, HostnameClaim>();
  /** folded hostname → `namespace/name` → claim. */
  private readonly byHostname = new Map<string, Map<string, HostnameClaim>>();

  /** Number of objects holding a hostname. */
  get size(): number {
    return this.byObject.size;
  }

  /** Record (or move) the claim of one object. */
  set(obj: IndexedObject): void {
    this.delete(obj.namespace, obj.name);
    if (obj.hostname === undefined || obj.hostname === "") return;
    const claim: HostnameClaim = { namespace: obj.namespace, name: obj.name, hostname: obj.hostname };
    const key = keyOf(obj.namespace, obj.name);
    this.byObject.set(key, claim);
    const folded = foldHostname(obj.hostname);
    let claims = this.byHostname.get(folded);
    if (!claims) this.byHostname.set(folded, (claims = new Map<string, HostnameClaim>()));
    claims.set(key, claim);
  }

  /** Forget one object (no-op when unknown). */
  delete(namespace: string, name: string): void {
    const key = keyOf(namespace, name);
    const claim = this.byObject.get(key);
    if (!claim) return;
    this.byObject.delete(key);
    const folded = foldHostname(claim.hostname);
    const claims = this.byHostname.get(folded);
    claims?.delete(key);
    if (claims?.size === 0) this.byHostname.delete(folded);
  }

  /**
   * The objects claiming `hostname` (case-insensitive), except `namespace/name`.
   *
   * @returns claims sorted by namespace, then name (a stable error message).
   */
  claimsOf(hostname: string, except?: { namespace: string; name: string | undefined }): HostnameClaim[] {
    const claims = this.byHostname.get(foldHostname(hostname));
    if (!claims) return [];
    return [...claims.values()]
      .filter((c) => !(except && c.namespace === except.namespace && c.name === except.name))
      .sort(byKey);
  }
}

/** The parts of a Discourse the index reads; a KubeObject is one. */
export interface DiscourseLike {
  metadata: { namespace?: string; name: string };
  spec?: unknown;
}

/** `obj` as the index sees it (a spec.hostname that is not a string counts as none). */
export function indexedObject(obj: DiscourseLike): IndexedObject {
  const spec = obj.spec;
  const hostname = typeof spec === "object" && spec !== null ? (spec as { hostname?: unknown }).hostname : undefined;
  return { namespace: obj.metadata.namespace ?? "", name: obj.metadata.name, ...(typeof hostname === "string" ? { hostname } : {}) };
}

/**
 * An informer handler keeping `index` up to date: add and update (re)index the
 * object (a changed hostname moves), delete frees its hostname.
 */
export function indexEvent(index: HostnameIndex): (event: "add" | "update" | "delete", obj: DiscourseLike) => void {
  return (event, obj) => {
    if (event === "delete") index.delete(obj.metadata.namespace ?? "", obj.metadata.name);
    else index.set(indexedObject(obj));
  };
}
