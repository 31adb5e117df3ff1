/**
 * Who holds a hostname when several Discourse objects claim it (API.md,
 * `spec.hostname`: "should a duplicate exist anyway, the oldest forum keeps the
 * hostname and only the newer ones are reported"). Duplicates get past admission
 * through a race between webhook replicas or a webhook that was down; the
 * reconciler then keeps the oldest forum healthy and gives the newer ones no
 * Ingress or Route. The reconciler sees the Discourse objects it watches (every
 * namespace, or its one namespace in the namespaced install).
 */
import type { KubeObject } from "../client/kube-client.js";

/** The hostname of a Discourse as stored, or "" when it has none. */
export function hostnameOf(d: KubeObject): string {
  const h = (d.spec as { hostname?: unknown } | undefined)?.hostname;
  return typeof h === "string" ? h.toLowerCase() : "";
}

/**
 * The index value under which the Discourse cache files a forum by hostname (the
 * controller's `indexBy`), so that finding a hostname's claimants costs the number of
 * claimants, not the size of the fleet (client-go's `cache.Indexer`).
 */
export function hostnameIndexValue(hostname: string): string {
  return `hostname:${hostname}`;
}

/** The index values of a Discourse for the controller's cache: its hostname's, or none. */
export function hostnameIndexValues(d: KubeObject): string[] {
  const hostname = hostnameOf(d);
  return hostname ? [hostnameIndexValue(hostname)] : [];
}

/** Older first: creationTimestamp, then uid (a total order, the same in every replica). */
export function olderFirst(a: KubeObject, b: KubeObject): number {
  const ta = Date.parse(a.metadata.creationTimestamp ?? "") || 0;
  const tb = Date.parse(b.metadata.creationTimestamp ?? "") || 0;
  if (ta !== tb) return ta - tb;
  const ua = a.metadata.uid ?? "";
  const ub = b.metadata.uid ?? "";
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

/**
 * Pure: the Discourse that holds `obj`'s hostname when it is not `obj` itself.
 * @param all - every Discourse known to claim the hostname, or every Discourse known (obj may be among them).
 * @returns the holder, or undefined when `obj` holds its hostname (or has none).
 */
export function hostnameHolder(obj: KubeObject, all: KubeObject[]): KubeObject | undefined {
  const hostname = hostnameOf(obj);
  if (!hostname) return undefined;
  const same = (d: KubeObject): boolean => d.metadata.uid === obj.metadata.uid;
  const claimants = [obj, ...all.filter((d) => !same(d) && hostnameOf(d) === hostname)].sort(olderFirst);
  const holder = claimants[0];
  return holder && !same(holder) ? holder : undefined;
}
