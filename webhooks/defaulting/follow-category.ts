/**
 * Resources defaulted from spec.category follow later changes of the category
 * until the user sets them (shared/API.md, `resources.web`, `resources.sidekiq`:
 * "a defaulted value follows later changes of category until the user sets it").
 *
 * A value the webhook filled and a value the user typed look the same once
 * stored, so the mutating webhook records which entries it filled in the
 * annotation {@link DEFAULTED_RESOURCES_ANNOTATION} (`web.requests.cpu,
 * web.limits.memory, …`, sorted). On UPDATE, a recorded entry whose value the
 * request leaves as it was stored is a default still: it is removed here and
 * filled again from the category now in effect (so `personal` → `official`
 * moves 250m to 1 CPU). A recorded entry the request changes is the user's from
 * then on and leaves the record; so does one the user sets at creation.
 *
 * Objects stored before the annotation existed carry no record: for them, on
 * UPDATE, an entry equal to the stored category's default counts as defaulted
 * (the best that can be told without a record).
 */
import { isDeepStrictEqual } from "node:util";
import { GROUP } from "../../src/api/constants.js";
import type { Category } from "../../src/api/types.js";
import { compareQuantities } from "../validation/quantity.js";
import { isRecord } from "../validation/types.js";
import { CATEGORY_RESOURCES, isCategory } from "./resource-defaults.js";

/** Annotation listing the resource entries the defaulting filled, e.g. `sidekiq.requests.cpu,web.requests.cpu`. */
export const DEFAULTED_RESOURCES_ANNOTATION = `${GROUP}/defaulted-resources`;

type Obj = Record<string, unknown>;
const COMPONENTS = ["web", "sidekiq"] as const;
const LISTS = ["requests", "limits"] as const;

/** The entry `component.list.resource` of spec.resources, or undefined. */
function entryAt(spec: unknown, path: string): unknown {
  const [component = "", list = "", ...rest] = path.split(".");
  const resources = isRecord(spec) ? spec.resources : undefined;
  const requirements = isRecord(resources) ? resources[component] : undefined;
  const entries = isRecord(requirements) ? requirements[list] : undefined;
  return isRecord(entries) ? entries[rest.join(".")] : undefined;
}

/** Removes the entry `component.list.resource` from spec.resources (no-op when absent). */
function removeEntry(spec: Obj, path: string): void {
  const [component = "", list = "", ...rest] = path.split(".");
  const resources = spec.resources;
  const requirements = isRecord(resources) ? resources[component] : undefined;
  const entries = isRecord(requirements) ? requirements[list] : undefined;
  if (isRecord(entries)) delete entries[rest.join(".")];
}

/** Every `component.list.resource` path present in spec.resources. */
export function resourcePaths(spec: unknown): string[] {
  const resources = isRecord(spec) ? spec.resources : undefined;
  if (!isRecord(resources)) return [];
  return COMPONENTS.flatMap((component) => {
    const requirements = resources[component];
    if (!isRecord(requirements)) return [];
    return LISTS.flatMap((list) => {
      const entries = requirements[list];
      return isRecord(entries) ? Object.keys(entries).map((resource) => `${component}.${list}.${resource}`) : [];
    });
  });
}

/** The paths recorded in an object's annotation; null when it has no such annotation. */
export function recordedPaths(obj: unknown): Set<string> | null {
  const metadata = isRecord(obj) ? obj.metadata : undefined;
  const annotations = isRecord(metadata) ? metadata.annotations : undefined;
  const value = isRecord(annotations) ? annotations[DEFAULTED_RESOURCES_ANNOTATION] : undefined;
  if (typeof value !== "string") return null;
  return new Set(value.split(",").map((p) => p.trim()).filter((p) => p !== ""));
}

/** The category's default for `component.list.resource`, or undefined. */
function categoryDefault(category: Category, path: string): string | number | undefined {
  const [component = "", list = "", ...rest] = path.split(".");
  const requirements = (CATEGORY_RESOURCES[category] as unknown as Record<string, Record<string, Record<string, string | number>> | undefined>)[component];
  return requirements?.[list]?.[rest.join(".")];
}

const categoryOf = (spec: unknown): Category => {
  const category = isRecord(spec) ? spec.category : undefined;
  return isCategory(category) ? category : "personal";
};

/** Recorded paths of a stored object; for one stored before the record existed, the entries equal to its category's default. */
function previousRecord(previous: unknown): Set<string> {
  const recorded = recordedPaths(previous);
  if (recorded) return recorded;
  const spec = isRecord(previous) ? previous.spec : undefined;
  const category = categoryOf(spec);
  return new Set(resourcePaths(spec).filter((p) => compareQuantities(entryAt(spec, p), categoryDefault(category, p)) === 0));
}

/**
 * Before the category's defaults are filled: removes each defaulted entry the
 * request left as stored, so that filling puts the current category's value
 * there; returns the paths still recorded as defaulted (those the user changed
 * are left out).
 *
 * @param obj - the object being defaulted (a copy owned by the caller; changed in place).
 * @param previous - the stored object on UPDATE; undefined on CREATE and offline.
 */
export function releaseDefaultedEntries(obj: Obj, previous: unknown): Set<string> {
  const spec = isRecord(obj.spec) ? obj.spec : undefined;
  if (!spec) return new Set();
  // The request's own record counts too: a second pass of the webhook (reinvocation) sees its first pass's record.
  const own = recordedPaths(obj) ?? new Set<string>();
  const recorded = previous === undefined ? own : new Set([...previousRecord(previous), ...own]);
  const previousSpec = isRecord(previous) ? previous.spec : undefined;
  const kept = new Set<string>();
  for (const path of recorded) {
    const value = entryAt(spec, path);
    if (value === undefined) continue;
    if (previous !== undefined && isDeepStrictEqual(value, entryAt(previousSpec, path))) {
      removeEntry(spec, path);
      continue;
    }
    // Changed in this request (or no stored object to compare with): still a
    // default only when it is the category's value now.
    if (compareQuantities(value, categoryDefault(categoryOf(spec), path)) === 0) kept.add(path);
  }
  return kept;
}

/**
 * After filling: writes the annotation listing `kept` plus every entry that
 * filling added (the paths present now and absent in `before`); removes the
 * annotation when nothing is defaulted.
 */
export function recordDefaultedEntries(obj: Obj, kept: Set<string>, before: readonly string[]): void {
  const spec = isRecord(obj.spec) ? obj.spec : undefined;
  const had = new Set(before);
  const filled = resourcePaths(spec).filter((p) => !had.has(p));
  const all = [...new Set([...kept, ...filled])].filter((p) => entryAt(spec, p) !== undefined).sort();
  const metadata = isRecord(obj.metadata) ? obj.metadata : (obj.metadata = {});
  if (!isRecord(metadata)) return;
  const annotations = isRecord(metadata.annotations) ? metadata.annotations : undefined;
  if (all.length === 0) {
    if (annotations) delete annotations[DEFAULTED_RESOURCES_ANNOTATION];
    if (annotations && Object.keys(annotations).length === 0) delete metadata.annotations;
    return;
  }
  metadata.annotations = { ...(annotations ?? {}), [DEFAULTED_RESOURCES_ANNOTATION]: all.join(",") };
}
