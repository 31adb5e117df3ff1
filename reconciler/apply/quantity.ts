/**
 * Quantity equality for drift detection: the apiserver stores quantities in
 * canonical form, so `1Gi` sent may read back as `1Gi`, `1024Mi` or
 * `1073741824`. The exact parser is the one validation uses
 * (webhooks/validation/quantity.ts).
 */
import { compareQuantities } from "../../webhooks/validation/quantity.js";

/** True when `a` and `b` are both quantities of exactly the same amount. */
export function sameQuantity(a: unknown, b: unknown): boolean {
  return compareQuantities(a, b) === 0;
}
