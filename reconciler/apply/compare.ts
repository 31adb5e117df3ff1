/**
 * Drift detection: is every field the desired object sets equal in the live
 * object? Fields the desired object leaves out (server defaults, status,
 * fields of other managers) are ignored. Quantities compare by amount, a
 * desired zero value (`false`, `0`, `""`, `[]`, `{}`) matches an absent live
 * field (the API server omits empty values), and lists must have the same
 * length, element by element (the builders emit them in a stable order).
 */
import { sameQuantity } from "./quantity.js";

/** One field whose live value differs from the desired one. */
export interface FieldDrift {
  /** Dotted path, list elements by `name` when they have one: `spec.template.spec.containers[web].image`. */
  path: string;
  live: unknown;
  desired: unknown;
}

/** Path segments under which string values are resource quantities. */
const QUANTITY_PARENTS = new Set(["requests", "limits", "capacity", "hard", "sizeLimit", "storage"]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === "") return true;
  if (Array.isArray(v)) return v.length === 0;
  return isObject(v) && Object.values(v).every(isEmpty);
}

function elementLabel(el: unknown, i: number): string {
  return isObject(el) && typeof el.name === "string" ? el.name : String(i);
}

function compareArrays(desired: unknown[], live: unknown, path: string, parent: string, out: FieldDrift[]): void {
  if (!Array.isArray(live) || live.length !== desired.length) {
    out.push({ path, live, desired });
    return;
  }
  desired.forEach((d, i) => compareValue(d, live[i], `${path}[${elementLabel(d, i)}]`, parent, out));
}

function compareValue(desired: unknown, live: unknown, path: string, key: string, out: FieldDrift[]): void {
  if (desired === undefined || desired === null) return;
  if (live === undefined || live === null) {
    if (!isEmpty(desired)) out.push({ path, live, desired });
    return;
  }
  if (Array.isArray(desired)) return compareArrays(desired, live, path, key, out);
  if (isObject(desired)) {
    if (!isObject(live)) {
      out.push({ path, live, desired });
      return;
    }
    for (const [k, v] of Object.entries(desired)) compareValue(v, live[k], path ? `${path}.${k}` : k, k, out);
    return;
  }
  if (!sameLeaf(desired, live, path, key)) out.push({ path, live, desired });
}

function sameLeaf(desired: unknown, live: unknown, path: string, key: string): boolean {
  if (desired === live) return true;
  const underQuantity = QUANTITY_PARENTS.has(key) || QUANTITY_PARENTS.has(path.split(".").at(-2) ?? "");
  return underQuantity && sameQuantity(desired, live);
}

/**
 * @param desired - the object as a builder returns it (plain JSON).
 * @param live - the object as the API server stores it.
 * @returns every drifted field, in the desired object's field order; empty when nothing drifted.
 */
export function findDrift(desired: object, live: object): FieldDrift[] {
  const out: FieldDrift[] = [];
  compareValue(JSON.parse(JSON.stringify(desired)), live, "", "", out);
  return out;
}

function show(v: unknown): string {
  if (v === undefined || v === null) return "(unset)";
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/**
 * One human line for a set of drifts: `spec.replicas 7 → 3, spec.template…image a → b`.
 * @param hideValues - true for Secrets: paths only, never values.
 */
export function describeDrift(drifts: FieldDrift[], hideValues = false): string {
  const parts = drifts.slice(0, 5).map((d) => (hideValues ? d.path : `${d.path} ${show(d.live)} → ${show(d.desired)}`));
  if (drifts.length > 5) parts.push(`and ${drifts.length - 5} more`);
  return parts.join(", ");
}
