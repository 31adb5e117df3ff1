/**
 * A forum whose children were all found as desired, remembered so that the next reconcile
 * with the same inputs checks those findings instead of building and hashing the children
 * again.
 *
 * Why: a resync of an unchanged fleet sends no request, so each reconcile costs CPU only.
 * About half of it (about 0.5 ms of 1.1 ms per forum, measured with the builders'
 * fixtures) was the env ConfigMap's settings, `buildAll` and the SHA-256 digest of each of
 * the 13 children, all of it to learn what the verified marks of the cache already said
 * (informer/object-cache.ts). While a resync of 2,000 forums held the CPU, a drift's watch
 * event waited behind it (docs/benchmarks.md, issue 13).
 *
 * Correctness rests on two facts:
 * - the builders are pure functions of the defaulted Discourse and their options
 *   (builders/options.ts): no clock, no environment, no randomness. So equal inputs (the
 *   Discourse's uid and resourceVersion, whether the Route API is served, the options the
 *   plan and the live StatefulSets give, the hostname conflict, the Secrets to adopt) give
 *   the same children with the same digests;
 * - apply-child.ts finds a child unchanged from the cache alone in exactly the cases kept
 *   here: its cached version carries the verified mark of that digest (`store.verified`), or
 *   it is a create-only child (a Job) that exists, or a child no longer wanted is absent or
 *   not ours (the same resourceVersion as then, or still none). Any new copy of a child (a
 *   watch event, a write, a relist) drops its mark or changes its resourceVersion, so a
 *   drift fails the check and the reconcile builds and compares everything as before.
 *
 * What is kept is small: per forum, a string of the inputs and one line per child (kind,
 * name, digest or resourceVersion), no object.
 */
import type { ChildAction } from "../apply/apply-child.js";
import type { ChildStore } from "../apply/child-store.js";

/** What one child was found to be, and how to check it still is. */
type Finding =
  /** Its cached version carries the verified mark `token`. */
  | { kind: string; name: string; token: string }
  /** A create-only child that exists (any version). */
  | { kind: string; name: string; present: true }
  /** A child no longer wanted: absent (`resourceVersion` undefined), or another owner's at that version. */
  | { kind: string; name: string; absent: true; resourceVersion: string | undefined };

interface Settled {
  inputs: string;
  children: Finding[];
}

/** See the file comment. One per reconciler process, shared by its reconciles. */
export class SettledChildren {
  private readonly byForum = new Map<string, Settled>();

  /** Number of forums remembered. */
  get size(): number {
    return this.byForum.size;
  }

  /**
   * Whether the children of `forumKey` (`namespace/name`) were all found as desired by a
   * reconcile with these very `inputs`, and every finding still holds in `store`.
   * @param namespace - the forum's namespace (its children's).
   */
  unchanged(forumKey: string, inputs: string, store: ChildStore, namespace: string): boolean {
    const settled = this.byForum.get(forumKey);
    if (!settled || settled.inputs !== inputs) return false;
    return settled.children.every((c) => holds(c, store, namespace));
  }

  /**
   * Remembers what a reconcile with `inputs` found, when every child was found as desired
   * from the cache (see `findingOf`); otherwise forgets the forum.
   * @param actions - applyChildren's actions, one per child; `failed` true when any child failed.
   */
  record(forumKey: string, inputs: string, actions: ChildAction[], failed: boolean, store: ChildStore, namespace: string): void {
    if (failed) {
      this.byForum.delete(forumKey);
      return;
    }
    const children: Finding[] = [];
    for (const a of actions) {
      const f = findingOf(a, store, namespace);
      if (!f) {
        this.byForum.delete(forumKey);
        return;
      }
      children.push(f);
    }
    this.byForum.set(forumKey, { inputs, children });
  }

  /** Forgets `forumKey` (a forum deleted, or a reconcile that did not get as far as its children). */
  forget(forumKey: string): void {
    this.byForum.delete(forumKey);
  }
}

/**
 * The finding of one action, or undefined when it is not one the cache alone can confirm:
 * a write, a child read from the API (no informer for its kind, or an adoption of an object
 * without our labels), a missing adopt-only child (found by a GET).
 */
function findingOf(a: ChildAction, store: ChildStore, namespace: string): Finding | undefined {
  if (!store.covers(a.kind)) return undefined;
  if (a.action === "unchanged" && a.token !== undefined) return store.verified(a.kind, namespace, a.name, a.token) ? { kind: a.kind, name: a.name, token: a.token } : undefined;
  if (a.action === "unchanged" && a.createOnly === true) return store.resourceVersion(a.kind, namespace, a.name) !== undefined ? { kind: a.kind, name: a.name, present: true } : undefined;
  if (a.action === "absent") return { kind: a.kind, name: a.name, absent: true, resourceVersion: store.resourceVersion(a.kind, namespace, a.name) };
  return undefined;
}

function holds(c: Finding, store: ChildStore, namespace: string): boolean {
  if ("token" in c) return store.verified(c.kind, namespace, c.name, c.token);
  if ("present" in c) return store.resourceVersion(c.kind, namespace, c.name) !== undefined;
  return store.resourceVersion(c.kind, namespace, c.name) === c.resourceVersion;
}
