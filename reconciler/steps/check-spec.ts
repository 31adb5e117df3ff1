/**
 * Defence in depth (STYLE.md practice 7): defaulting and validation run again
 * on what the reconciler reads, so an object that got past a missing webhook
 * is handled safely; an invalid one is reported, never acted on.
 *
 * Hostname uniqueness is not a validity question here: a duplicate that got in
 * anyway is settled by age (steps/hostname-holder.ts), so the forum that had
 * the hostname first is never frozen by a newer one.
 */
import type { Discourse, DefaultedDiscourse } from "../../src/api/types.js";
import { applyDefaults } from "../../webhooks/defaulting/apply-defaults.js";
import { errorLine } from "../../webhooks/validation/field-error.js";
import { validate } from "../../webhooks/validation/validate.js";
import type { KubeObject } from "../client/kube-client.js";
import { VersionMemo } from "../informer/version-memo.js";

export type SpecCheck = { ok: true; obj: DefaultedDiscourse } | { ok: false; message: string };

/**
 * The validation outcome (an error message, or null for valid), per object read from the
 * Discourse cache and per platform: the cache hands out its stored object until a new
 * version replaces it (informer/object-cache.ts), so a resync of an unchanged fleet
 * validates nothing again. Defaulting still runs on every reconcile: it is cheap, and
 * keeping each forum's defaulted copy would cost a fleet of 2,000 some 10 MiB. A replaced
 * version goes with its outcome (informer/version-memo.ts).
 */
const validated = new VersionMemo<boolean, string | null>();

/**
 * Defaults and validates `obj` as a CREATE would (no old object: transition rules need the
 * stored object, which only the webhook sees), without the cluster-wide hostname rule.
 * Validation runs once per object and platform (see `validated`).
 * Never throws: a defaulting crash on a malformed object is reported as invalid.
 */
export function checkSpec(obj: KubeObject, routeApiAvailable: boolean): SpecCheck {
  try {
    const defaulted = applyDefaults(obj as unknown as Discourse, { routeApiAvailable });
    const message = validated.get(obj, routeApiAvailable, () => check(defaulted));
    return message === null ? { ok: true, obj: defaulted } : { ok: false, message };
  } catch (err) {
    return { ok: false, message: `invalid spec: ${err instanceof Error ? err.message : "cannot apply defaults"}` };
  }
}

/** The validation of a defaulted Discourse: null when valid, else the message. */
function check(defaulted: DefaultedDiscourse): string | null {
  const { errors } = validate(defaulted, undefined, { otherHostnames: [] }, "CREATE");
  return errors.length > 0 ? `invalid spec: ${errors.map(errorLine).join("; ")}` : null;
}
