/**
 * The operator's Secrets of one forum, before any child is applied (API.md,
 * "Secrets: which the operator owns, which it only reads", "Generated credentials"):
 *
 * - the database credentials Secret (`spec.database.credentialsSecret`): when it
 *   does not exist and the operator can make use of a generated password (a managed
 *   database, or an external one with `adminSecret`, where the db-init Job creates
 *   the role with it), it is generated the way the mutating webhook does
 *   (webhooks/credentials/), for the paths the webhook misses: `generateName`, a
 *   webhook that was down, a delete and re-create within the webhook's cache time;
 *   an external database without `adminSecret` needs the user's password, so a
 *   missing Secret stays `CredentialsMissing`;
 * - `<name>-app-secrets` (type Opaque, key `secret_key_base`): generated once when
 *   missing, never regenerated.
 *
 * Creation is a plain create that takes 409 as "exists": nothing is ever
 * overwritten and no password is generated twice. Ownership follows the labels
 * only: a Secret labelled `managed-by: discourse-operator` and `instance: <this
 * forum>` is this forum's and is adopted (reconciler/builders/credentials-secret.ts);
 * one labelled for another forum stops the reconcile (`Degraded`,
 * `SecretOwnedByAnotherForum`) with nothing touched; any other Secret is only read.
 * Secret values never reach a log line, an Event or the desired state.
 */
import { randomBytes } from "node:crypto";
import { LABEL_INSTANCE, LABEL_MANAGED_BY, MANAGED_BY } from "../../src/api/constants.js";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { buildCredentialsSecret } from "../../webhooks/credentials/build-credentials-secret.js";
import { generatePassword } from "../../webhooks/credentials/generate-password.js";
import { planFromDefaulted } from "../../webhooks/credentials/plan-credentials.js";
import { buildAppSecretsAdoption, creationMetadata, credentialsSecretName } from "../builders/credentials-secret.js";
import { childLabels, COMPONENTS } from "../builders/metadata.js";
import { appSecretsName } from "../builders/names.js";
import { statusCode, type KubeObject, type ObjectRef } from "../client/kube-client.js";
import type { ReconcileContext } from "./context.js";
import { recordCreated } from "./created-event.js";

/** Whose a Secret is, by its labels alone. */
export type SecretOwner = "absent" | "this-forum" | "another-forum" | "not-the-operators";

/** Bytes of `secret_key_base`: 64 random bytes, 128 hex characters (API.md). */
export const SECRET_KEY_BASE_BYTES = 64;

/**
 * Pure: who owns `secret` from the point of view of the forum `forum`.
 * `this-forum` only with both labels `managed-by: discourse-operator` and `instance: <forum>`.
 */
export function secretOwner(secret: KubeObject | undefined, forum: string): SecretOwner {
  if (!secret) return "absent";
  const labels = secret.metadata.labels ?? {};
  if (labels[LABEL_MANAGED_BY] !== MANAGED_BY || !labels[LABEL_INSTANCE]) return "not-the-operators";
  return labels[LABEL_INSTANCE] === forum ? "this-forum" : "another-forum";
}

/** Whether the reconciler may generate the credentials Secret of `obj` (see the file comment). */
export function mayGenerateCredentials(obj: DefaultedDiscourse): boolean {
  const db = obj.spec.database;
  return !db.host || Boolean(db.adminSecret);
}


/**
 * A new credentials Secret with a fresh password (the webhook's plan and builder, so both
 * paths agree), created with its adoption's labels and digest when that is safe
 * (creationMetadata: under `deletionPolicy: Retain`), so the adoption that follows
 * finds nothing to write; under Delete the adoption applies its metadata next.
 */
function newCredentialsSecret(obj: DefaultedDiscourse): KubeObject {
  const plan = planFromDefaulted(obj, obj.metadata.namespace ?? "");
  if (!plan) throw new Error(`cannot generate the credentials Secret of ${obj.metadata.name ?? ""}: spec.database lacks a field it needs`);
  return buildCredentialsSecret(plan, generatePassword()) as unknown as KubeObject;
}

/** A new `<name>-app-secrets` with a fresh `secret_key_base` (crypto.randomBytes, hex); its metadata as above. */
export function newAppSecrets(obj: DefaultedDiscourse): KubeObject {
  const creation = creationMetadata(buildAppSecretsAdoption(obj));
  return {
    apiVersion: "v1",
    kind: "Secret",
    type: "Opaque",
    metadata: { name: appSecretsName(obj), namespace: obj.metadata.namespace ?? "", labels: childLabels(obj, COMPONENTS.appSecrets), ...creation },
    stringData: { secret_key_base: randomBytes(SECRET_KEY_BASE_BYTES).toString("hex") },
  };
}

export type SecretsOutcome =
  | {
      ok: true;
      /** Names of the Secrets this forum owns: their adoption entries are applied. */
      adopt: Set<string>;
      /** The credentials Secret does not exist and was not generated. */
      credentialsMissing?: string;
      /**
       * What this call created, `Secret NAME (why)`, for the reconcile's one Created Event
       * (steps/apply-children.ts); whoever records it empties the list.
       */
      created: string[];
    }
  | { ok: false; reason: "SecretOwnedByAnotherForum"; message: string };

/** The Secret from the cache; a miss is read from the API unless `cacheOnly`. */
async function read(ctx: ReconcileContext, ref: ObjectRef, cacheOnly: boolean): Promise<KubeObject | undefined> {
  // The Secret informer only holds the operator's Secrets: a miss is read from the API.
  const cached = ctx.store.get("Secret", ref.namespace ?? "", ref.name);
  if (cached || cacheOnly) return cached;
  return (await ctx.client.get(ref)) ?? undefined;
}

/**
 * Creates `secret` unless it exists; a creation is logged and added to `created` (its
 * Event is the reconcile's one Created Event, steps/apply-children.ts).
 * @returns what exists afterwards (ours, or whoever's won the race).
 */
async function createUnlessExists(ctx: ReconcileContext, secret: KubeObject, why: string, created: string[]): Promise<KubeObject | undefined> {
  const ref = { apiVersion: "v1", kind: "Secret", namespace: secret.metadata.namespace, name: secret.metadata.name };
  try {
    const stored = await ctx.client.create(secret);
    ctx.store.remember({ ...stored, apiVersion: "v1", kind: "Secret" });
    ctx.logger.info({ action: "created", kind: "Secret", child: ref.name }, `created Secret ${ref.name} (${why})`);
    created.push(`Secret ${ref.name} (${why})`);
    return stored;
  } catch (err) {
    if (statusCode(err) !== 409) throw new Error(`creating Secret ${ref.name} failed with HTTP ${statusCode(err) ?? "error"}`);
    return (await ctx.client.get(ref)) ?? undefined;
  }
}

export interface EnsureSecretsOptions {
  /**
   * A Secret the forum may generate and the cache lacks is created at once, without reading
   * it from the API first: a 409 (it exists, made by someone else) reads it then and the
   * outcome is the same. For a forum's first reconcile (reconcile.ts), whose Secrets
   * rarely exist: one round trip less. Never on later reconciles, where a user's Secret of
   * that name (outside the cache) would cost a refused create on every resync.
   */
  createFirst?: boolean;
}

/** The Secret `ref` as it is, or as created by `wanted.make` when absent (see EnsureSecretsOptions). */
async function readOrCreate(ctx: ReconcileContext, ref: ObjectRef, wanted: { make: (() => KubeObject) | null; why: string }, created: string[], opts: EnsureSecretsOptions): Promise<KubeObject | undefined> {
  const live = await read(ctx, ref, Boolean(opts.createFirst && wanted.make));
  if (live || !wanted.make) return live;
  return createUnlessExists(ctx, wanted.make(), wanted.why, created);
}

/**
 * Generates what is missing and sorts the forum's Secrets by owner (see the file comment).
 * @throws Error (without Secret data) when a read or create fails; the key is retried.
 */
export async function ensureSecrets(ctx: ReconcileContext, owner: KubeObject, obj: DefaultedDiscourse, opts: EnsureSecretsOptions = {}): Promise<SecretsOutcome> {
  const forum = obj.metadata.name ?? "";
  const namespace = obj.metadata.namespace ?? "";
  const wanted = [
    { name: credentialsSecretName(obj), make: mayGenerateCredentials(obj) ? () => newCredentialsSecret(obj) : null, why: "generated database credentials" },
    { name: appSecretsName(obj), make: () => newAppSecrets(obj), why: "generated secret_key_base" },
  ];
  const adopt = new Set<string>();
  const created: string[] = [];
  let credentialsMissing: string | undefined;
  for (const w of wanted) {
    const live = await readOrCreate(ctx, { apiVersion: "v1", kind: "Secret", namespace, name: w.name }, w, created, opts);
    const whose = secretOwner(live, forum);
    if (whose === "another-forum") {
      const holder = live?.metadata.labels?.[LABEL_INSTANCE] ?? "";
      await recordCreated(ctx.events, owner, created);
      return { ok: false, reason: "SecretOwnedByAnotherForum", message: `Secret ${w.name} belongs to the Discourse ${holder}: a forum never takes another forum's Secret; name a Secret of its own` };
    }
    if (whose === "this-forum") adopt.add(w.name);
    if (whose === "absent" && w.name === credentialsSecretName(obj)) credentialsMissing = w.name;
  }
  return { ok: true, adopt, created, ...(credentialsMissing ? { credentialsMissing } : {}) };
}
