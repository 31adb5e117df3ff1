/**
 * Facts about the cluster that some rules need. They are gathered at the
 * edge (webhooks/facts/kube-facts.ts) and passed to the pure rules, so the
 * rules stay table-tested without a cluster.
 */

import type { HostnameClaim } from "../validation/types.js";

/** The hostname another Discourse object claims (spec.hostname must be unique cluster-wide). */
export type { HostnameClaim };

/** Everything the validating and mutating rules may ask about the cluster. */
export interface ClusterFacts {
  /** Hostnames of every Discourse except the one under admission. */
  otherHostnames: HostnameClaim[];
  /** Names of the Secrets referenced by the object that exist in its namespace. */
  existingSecrets: Set<string>;
  /** Whether the cluster serves route.openshift.io/v1 (ingress.kind defaults to Route then). */
  routeApiAvailable: boolean;
}

/** Where the server gets facts from; the Kubernetes implementation and test doubles implement it. */
export interface FactsSource {
  /**
   * Facts for one admission request.
   *
   * @param object - the object under admission, as received (possibly malformed).
   * @param namespace - the request's namespace.
   * @throws Error when the API server cannot be reached; the server denies the request then.
   */
  gather(object: unknown, namespace: string): Promise<ClusterFacts>;
}

/** Facts of an empty cluster: no other Discourse, no Secret, no Route API. */
export function emptyFacts(overrides: Partial<ClusterFacts> = {}): ClusterFacts {
  return { otherHostnames: [], existingSecrets: new Set(), routeApiAvailable: false, ...overrides };
}
