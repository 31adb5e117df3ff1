/**
 * Apply or delete one child: compare the desired object with the cached live
 * one and write only on a difference (server-side apply, field manager
 * discourse-operator, force), so an unchanged forum costs zero write requests.
 * Each write is one log line and one Event on the Discourse; a Secret's values
 * never appear in either.
 */
import type { Logger } from "../../src/log.js";
import type { KubeClient, KubeObject, ObjectRef } from "../client/kube-client.js";
import type { EventRecorder } from "../events/event-recorder.js";
import { APPLIED_HASH_ANNOTATION, appliedHash } from "./applied-hash.js";
import type { ChildStore } from "./child-store.js";
import { holdUnboundClaimSize } from "./claim-growth.js";
import { describeDrift, findDrift } from "./compare.js";

export interface ApplyContext {
  client: KubeClient;
  store: ChildStore;
  events: EventRecorder;
  logger: Logger;
  /** The Discourse the children belong to (Events are recorded on it). */
  owner: KubeObject;
}

export type ActionKind = "unchanged" | "created" | "updated" | "corrected" | "deleted" | "absent" | "missing";

/** What one step did to one child. */
export interface ChildAction {
  action: ActionKind;
  kind: string;
  name: string;
  /** The live object after the step (undefined when absent or deleted, or unchanged since a verified read: not read again). */
  live?: KubeObject;
  /**
   * Unchanged: the digest of the desired object whose verified mark the cached version
   * carries (steps/settled-children.ts checks it again on the next reconcile).
   */
  token?: string;
  /** Unchanged: a create-only child that exists (its content is never compared). */
  createOnly?: true;
}

/** Whether `live` was written from a desired object of digest `hash` and nobody changed a desired field since. */
function matches(desired: KubeObject, hash: string, live: KubeObject): boolean {
  return live.metadata.annotations?.[APPLIED_HASH_ANNOTATION] === hash && findDrift(desired, live).length === 0;
}

/**
 * True when an object never applied by us (no digest) already has everything `desired`
 * sets: a claim the StatefulSet controller made from our volumeClaimTemplate carries its
 * labels and size (builders/backend-statefulset.ts). Applying would only add the digest,
 * which records what to remove on a later apply, and nothing of ours is there to remove
 * (client.apply forces, so no other manager's ownership stands in the way of a later
 * resize). A fleet's every new forum saved two writes, and its claims, made late by
 * kube-controller-manager, no longer wrote during an idle resync (docs/benchmarks.md).
 */
function needsNoAdoption(desired: KubeObject, live: KubeObject): boolean {
  return live.metadata.annotations?.[APPLIED_HASH_ANNOTATION] === undefined && findDrift(desired, live).length === 0;
}

/** `matches`, or for `adoptOnly`, `needsNoAdoption`. */
function upToDate(desired: KubeObject, hash: string, live: KubeObject, opts: ApplyOptions): boolean {
  return matches(desired, hash, live) || (opts.adoptOnly === true && needsNoAdoption(desired, live));
}

/** The cached live object; read from the API when no informer covers the kind, or `read` is set (it may lack our labels). */
async function liveObject(ctx: ApplyContext, ref: ObjectRef, read = false): Promise<KubeObject | undefined> {
  const namespace = ref.namespace ?? "";
  const cached = ctx.store.get(ref.kind, namespace, ref.name);
  if (cached || (ctx.store.covers(ref.kind) && !read)) return cached;
  return (await ctx.client.get(ref)) ?? undefined;
}

function withHash(desired: KubeObject, hash: string): KubeObject {
  const annotations = { ...(desired.metadata.annotations ?? {}), [APPLIED_HASH_ANNOTATION]: hash };
  return { ...desired, metadata: { ...desired.metadata, annotations } };
}

function summary(kind: string, live: KubeObject, desired: KubeObject, hashChanged: boolean): { action: ActionKind; line: string } {
  const drifts = findDrift(desired, live);
  const changed = describeDrift(drifts, kind === "Secret");
  if (hashChanged) return { action: "updated", line: changed || "desired state changed" };
  return { action: "corrected", line: changed };
}

export interface ApplyOptions {
  /**
   * Only patch an object that exists (it may lack our labels, so it is read when not cached); never create it.
   * Such an object without a digest of ours that already has what the desired object sets
   * (a claim the StatefulSet controller made from our template) is left as it is. Otherwise
   * the first patch of it (a claim to resize, a Secret made without its adoption metadata)
   * is an adoption: one log line `adopted KIND NAME`, no Event (it changes nothing a user
   * set; later updates and corrections have their Events).
   */
  adoptOnly?: boolean;
  /** Create when absent, never update (Jobs: their pod template is immutable). */
  createOnly?: boolean;
  /**
   * Record no Event for a creation (the log line stays): the caller records one Event for
   * every child it created together (steps/apply-children.ts, one per reconcile).
   */
  noCreatedEvent?: boolean;
}

/**
 * Brings one child to its desired state.
 * @returns what was done; throws the API error when the write fails (after recording a Warning Event).
 */
export async function applyChild(ctx: ApplyContext, wanted: KubeObject, opts: ApplyOptions = {}): Promise<ChildAction> {
  const next = await decide(ctx, wanted, opts);
  return "action" in next ? next : write(ctx, next, opts);
}

/** A child that needs a write: the desired object (with its digest) and the live one, if any. */
interface PendingWrite {
  kind: string;
  name: string;
  desired: KubeObject;
  hash: string;
  live: KubeObject | undefined;
}

/** What `applyChild` has to do: nothing (the action), or a write. */
async function decide(ctx: ApplyContext, wanted: KubeObject, opts: ApplyOptions): Promise<ChildAction | PendingWrite> {
  const { kind } = wanted;
  const { name, namespace } = wanted.metadata;
  // The outcome depends only on `wanted` and the live version: when the cache still holds the
  // version found to match this very `wanted`, nothing is read or compared (object-cache.ts).
  const token = opts.createOnly ? undefined : appliedHash(wanted);
  if (token !== undefined && ctx.store.verified(kind, namespace ?? "", name, token)) return { action: "unchanged", kind, name, token };
  const live = await liveObject(ctx, { apiVersion: wanted.apiVersion, kind, namespace, name }, opts.adoptOnly === true);
  const desired = holdUnboundClaimSize(wanted, live);
  if (!live && opts.adoptOnly) return { action: "missing", kind, name };
  if (live && opts.createOnly) return { action: "unchanged", kind, name, live, createOnly: true };
  const hash = desired === wanted && token !== undefined ? token : appliedHash(desired);
  if (live && upToDate(desired, hash, live, opts)) {
    if (token === undefined) return { action: "unchanged", kind, name, live };
    ctx.store.markVerified(live, token);
    return { action: "unchanged", kind, name, live, token };
  }
  return { kind, name, desired, hash, live };
}

/** Creates or updates the child, then logs it and records its Event. */
async function write(ctx: ApplyContext, p: PendingWrite, opts: ApplyOptions): Promise<ChildAction> {
  const { kind, name, live, desired, hash } = p;
  const hashChanged = live !== undefined && live.metadata.annotations?.[APPLIED_HASH_ANNOTATION] !== hash;
  const adopted = opts.adoptOnly === true && live !== undefined && live.metadata.annotations?.[APPLIED_HASH_ANNOTATION] === undefined;
  const what = live ? summary(kind, live, desired, hashChanged) : { action: "created" as const, line: "" };
  let stored: KubeObject;
  try {
    stored = await ctx.client.apply(withHash(desired, hash));
  } catch (err) {
    const verb = live ? "update" : "create";
    await ctx.events.record(ctx.owner, "Warning", "ApplyFailed", `could not ${verb} ${kind} ${name}`);
    throw err;
  }
  ctx.store.remember(stored);
  if (adopted) ctx.logger.info({ action: "adopted", kind, child: name }, `adopted ${kind} ${name}`);
  else await report(ctx, what, kind, name, opts.noCreatedEvent === true);
  return { action: what.action, kind, name, live: stored };
}

/** The log line of a write, and its Event (none for a creation when `noCreatedEvent`). */
async function report(ctx: ApplyContext, what: { action: ActionKind; line: string }, kind: string, name: string, noCreatedEvent: boolean): Promise<void> {
  const message = messageFor(what.action, kind, name, what.line);
  ctx.logger.info({ action: what.action, kind, child: name }, message);
  if (what.action === "created" && noCreatedEvent) return;
  await ctx.events.record(ctx.owner, "Normal", reasonFor(what.action), message);
}

function messageFor(action: ActionKind, kind: string, name: string, line: string): string {
  if (action === "created") return `created ${kind} ${name}`;
  if (action === "corrected") return `corrected drift in ${kind} ${name}: ${line}`;
  return `updated ${kind} ${name}: ${line}`;
}

function reasonFor(action: ActionKind): string {
  return { created: "Created", corrected: "DriftCorrected", updated: "Updated", deleted: "Deleted" }[action as string] ?? "Applied";
}

/** True when `obj` has an ownerReference to the object with `uid`. */
export function ownedBy(obj: KubeObject, uid: string | undefined): boolean {
  return uid !== undefined && (obj.metadata.ownerReferences ?? []).some((r) => r.uid === uid);
}

/**
 * Deletes a child that must not exist, when it exists and this Discourse owns it
 * (a same-named object of someone else is left alone).
 */
export async function deleteChild(ctx: ApplyContext, ref: ObjectRef, why: string): Promise<ChildAction> {
  const live = await liveObject(ctx, ref);
  if (!live || !ownedBy(live, ctx.owner.metadata.uid)) return { action: "absent", kind: ref.kind, name: ref.name };
  try {
    await ctx.client.delete(ref, live.metadata.uid);
  } catch (err) {
    await ctx.events.record(ctx.owner, "Warning", "DeleteFailed", `could not delete ${ref.kind} ${ref.name}`);
    throw err;
  }
  const message = `deleted ${ref.kind} ${ref.name}: ${why}`;
  ctx.logger.info({ action: "deleted", kind: ref.kind, child: ref.name }, message);
  await ctx.events.record(ctx.owner, "Normal", "Deleted", message);
  return { action: "deleted", kind: ref.kind, name: ref.name };
}
