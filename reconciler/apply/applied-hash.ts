/**
 * The `discourse.cern/applied-hash` annotation: a digest of the desired object
 * the reconciler last applied. Comparing desired fields with live ones finds
 * what someone changed on the live object; the digest finds what the desired
 * state dropped (a removed label, ConfigMap key or env var leaves no trace in
 * a subset compare).
 */
import { createHash } from "node:crypto";
import { GROUP } from "../../src/api/constants.js";

export const APPLIED_HASH_ANNOTATION = `${GROUP}/applied-hash`;

/** First 16 hex digits of the SHA-256 of the object's JSON. */
export function appliedHash(desired: object): string {
  return createHash("sha256").update(JSON.stringify(desired)).digest("hex").slice(0, 16);
}
