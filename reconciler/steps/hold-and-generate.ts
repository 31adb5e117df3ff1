/**
 * Steps 5 and 6 of a reconcile (reconcile.ts): hold the finalizer, generate the forum's Secrets.
 */
import type { DefaultedDiscourse } from "../../src/api/types.js";
import type { KubeObject } from "../client/kube-client.js";
import type { ReconcileContext } from "./context.js";
import { recordCreated } from "./created-event.js";
import { ensureFinalizer, holdsFinalizer } from "./finalizer.js";
import { ensureSecrets, type SecretsOutcome } from "./secrets.js";

/**
 * Steps 5 and 6 of reconcile.ts's file comment. On a forum's first reconcile (no finalizer yet) the
 * finalizer's write and the Secrets' go at once, the Secrets created without a read first
 * (steps/secrets.ts, createFirst): neither needs the other. A Secret is owned by the forum's
 * uid, or under `deletionPolicy: Retain` by no one, and a Secret whose forum went away
 * before holding the finalizer is collected by removeOrphanSecrets, as after a crash between
 * the two. At 2,000 new forums each round trip of this chain cost 300–500 ms; a new forum
 * now waits for one instead of three (docs/benchmarks.md, eighth session). Both end before
 * anything else starts; when either failed, the error is thrown once the other ended (what
 * the Secrets step created still gets its Created Event).
 * @param read - the Discourse as read from the cache; @param checked - its spec defaulted and validated (steps/check-spec.ts).
 * @returns the Discourse holding the finalizer, and the Secrets' outcome.
 * @throws what ensureFinalizer or ensureSecrets threw (no Secret data); the key is retried.
 */
export async function holdAndGenerate(ctx: ReconcileContext, read: KubeObject, checked: DefaultedDiscourse): Promise<{ obj: KubeObject; secrets: SecretsOutcome }> {
  const asRead: DefaultedDiscourse = { ...checked, metadata: read.metadata as unknown as DefaultedDiscourse["metadata"] };
  if (holdsFinalizer(read)) return { obj: read, secrets: await ensureSecrets(ctx, read, asRead) };
  const [held, secrets] = await Promise.allSettled([ensureFinalizer(ctx, read), ensureSecrets(ctx, read, asRead, { createFirst: true })]);
  if (held.status === "rejected") {
    if (secrets.status === "fulfilled" && secrets.value.ok) await recordCreated(ctx.events, read, secrets.value.created);
    throw held.reason;
  }
  if (secrets.status === "rejected") throw secrets.reason;
  return { obj: held.value, secrets: secrets.value };
}
