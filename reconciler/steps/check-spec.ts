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
 * Defaults and validates `obj` as a CREATE would (no old object: transition rules need the
 * stored object, which only the webhook sees), without the cluster-wide hostname rule.
 * Never throws: a defaulting crash on a malformed object is reported as invalid.
 */
export function checkSpec(obj: KubeObject, routeApiAvailable: boolean): SpecCheck {
  try {
    const defaulted = applyDefaults(obj as unknown as Discourse, { routeApiAvailable });
    const { errors } = validate(defaulted, undefined, { otherHostnames: [] }, "CREATE");
    if (errors.length > 0) return { ok: false, message: `invalid spec: ${errors.map(errorLine).join("; ")}` };
    return { ok: true, obj: defaulted };
  } catch (err) {
    return { ok: false, message: `invalid spec: ${err instanceof Error ? err.message : "cannot apply defaults"}` };
  }
}
