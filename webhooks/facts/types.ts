/**
 * Facts about the cluster that some rules need. They are gathered at the
 * edge (webhooks/facts/kube-facts.ts) and passed to the pure rules, so the
 * rules stay table-tested without a cluster.
 */

import type { HostnameClaim } from "../validation/types.js";
import type { SecretMetadata } from "./secret-metadata.js";

/** The hostname another Discourse object claims (spec.hostname must be unique cluster-wide). */
export type { HostnameClaim };

/** Everything the validating and mutating rules may ask about the cluster. */
export interface ClusterFacts {
  /** Hostnames of every Discourse except the one under admission. */
  otherHostnames: HostnameClaim[];
  /**
   * Names of the Secrets referenced by the object that exist in the request's
   * namespace. Undefined when Secrets were not asked about (the mutating
   * webhook, which decides by creating; a caller that is not the API server):
   * the rules then give no Secret warning at all.
   */
  existingSecrets?: Set<string>;
  /** Labels of each Secret in `existingSecrets` (metadata only, never data). */
  secretLabels?: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** Whether the cluster serves route.openshift.io/v1 (ingress.kind defaults to Route then). */
  routeApiAvailable: boolean;
}

/** Where the server gets facts from; the Kubernetes implementation and test doubles implement it. */
export interface FactsSource {
  /**
   * Facts for one admission request.
   *
   * @param object - the object under admission, as received (possibly malformed).
   * @param namespace - the request's namespace: the only namespace Secrets are looked up in.
   * @param needs - `secrets: false` skips the Secret lookups (existingSecrets undefined).
   * @throws Error when the API server cannot be reached; the server denies the request then.
   */
  gather(object: unknown, namespace: string, needs?: FactNeeds): Promise<ClusterFacts>;
}

/** Which facts a request needs; everything by default. */
export interface FactNeeds {
  /** Look up the referenced Secrets (metadata only). Default true. */
  secrets?: boolean;
}

/** Secret facts from the metadata of the referenced Secrets that exist. */
export function secretFacts(found: ReadonlyMap<string, SecretMetadata>): Pick<ClusterFacts, "existingSecrets" | "secretLabels"> {
  return {
    existingSecrets: new Set(found.keys()),
    secretLabels: new Map([...found].map(([name, m]) => [name, m.labels])),
  };
}

/** Facts of an empty cluster: no other Discourse, no Secret, no Route API. */
export function emptyFacts(overrides: Partial<ClusterFacts> = {}): ClusterFacts {
  return { otherHostnames: [], existingSecrets: new Set(), routeApiAvailable: false, ...overrides };
}
