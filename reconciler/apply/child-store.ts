/**
 * What the apply step needs to know about live children: the informers'
 * caches, by kind. Kept as an interface so the apply code does not depend on
 * how the caches are filled.
 */
import type { KubeObject } from "../client/kube-client.js";

export interface ChildStore {
  /** The cached live object, or undefined when the cache has none (or no informer covers the kind). */
  get(kind: string, namespace: string, name: string): KubeObject | undefined;
  /**
   * The cached live objects of `kind` that belong to the forum `forumKey` (`namespace/name`;
   * by ownerReference or instance label, informer/owner-key.ts), found through the cache's
   * index; none when no informer covers the kind.
   */
  owned(kind: string, forumKey: string): KubeObject[];
  /**
   * The live objects of `kind` in `namespace` whose `app.kubernetes.io/component` label is
   * `component`, of every forum (for instance every restore Job of a namespace, whichever
   * forum it restores): from the cache's index, or, in a sharded reconciler, whose cache
   * holds only its own forums' children, listed from the API server.
   */
  withComponent(kind: string, namespace: string, component: string): Promise<KubeObject[]>;
  /**
   * The resourceVersion of the cached copy, without reading (inflating) it; undefined when
   * the cache has none (or no informer covers the kind).
   */
  resourceVersion(kind: string, namespace: string, name: string): string | undefined;
  /** Whether an informer covers `kind` (if not, absence from the cache proves nothing). */
  covers(kind: string): boolean;
  /**
   * Whether the cached copy of the object is the very version that `markVerified` found to
   * match the desired object of digest `token` (informer/object-cache.ts). False when the
   * object is absent, changed since, or the kind has no informer.
   */
  verified(kind: string, namespace: string, name: string, token: string): boolean;
  /** Marks the cached copy of `live` (if it is still that resourceVersion) as matching the desired object of digest `token`. */
  markVerified(live: KubeObject, token: string): void;
  /** Puts the answer of a write into the cache (unless the cache holds a newer copy). */
  remember(obj: KubeObject): void;
}
