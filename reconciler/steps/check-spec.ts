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

export type SpecCheck = { ok: true; obj: DefaultedDiscourse } | { ok: false; message: string };

/**
 * The checks made, per object read from the Discourse cache and per platform: the cache
 * hands out its stored object until a new version replaces it (informer/object-cache.ts),
 * so a resync of an unchanged fleet defaults and validates nothing again. The WeakMap lets
 * a replaced version go with its checks.
 */
const checked = new WeakMap<KubeObject, Map<boolean, SpecCheck>>();

/** Freezes `value` and everything in it: a check handed to several reconciles cannot be changed by one. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Defaults and validates `obj` as a CREATE would (no old object: transition rules need the
 * stored object, which only the webhook sees), without the cluster-wide hostname rule.
 * The answer is computed once per object and platform, and deeply frozen (see `checked`):
 * callers never modify what they read.
 * Never throws: a defaulting crash on a malformed object is reported as invalid.
 */
export function checkSpec(obj: KubeObject, routeApiAvailable: boolean): SpecCheck {
  let byPlatform = checked.get(obj);
  const known = byPlatform?.get(routeApiAvailable);
  if (known) return known;
  const result = deepFreeze(check(obj, routeApiAvailable));
  if (!byPlatform) checked.set(obj, (byPlatform = new Map<boolean, SpecCheck>()));
  byPlatform.set(routeApiAvailable, result);
  return result;
}

function check(obj: KubeObject, routeApiAvailable: boolean): SpecCheck {
  try {
    const defaulted = applyDefaults(obj as unknown as Discourse, { routeApiAvailable });
    const { errors } = validate(defaulted, undefined, { otherHostnames: [] }, "CREATE");
    if (errors.length > 0) return { ok: false, message: `invalid spec: ${errors.map(errorLine).join("; ")}` };
    return { ok: true, obj: defaulted };
  } catch (err) {
    return { ok: false, message: `invalid spec: ${err instanceof Error ? err.message : "cannot apply defaults"}` };
  }
}
