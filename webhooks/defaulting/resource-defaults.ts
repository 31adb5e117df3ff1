/**
 * Compute resources by spec.category, the numbers written in the description
 * of `spec.resources` (src/api/schema.ts): personal requests 250m CPU and 1Gi
 * memory (limit 2Gi), test 500m/1536Mi (limit 3Gi), official 1 CPU/2Gi (limit
 * 2 CPU/4Gi); sidekiq gets half the memory. Only missing entries are filled;
 * a filled value never contradicts a user-given one (a default request is
 * lowered to the user's limit, a default limit raised to the user's request),
 * so defaulting alone never makes "request at most limit" fail.
 */
import type { Category } from "../../src/api/types.js";
import { compareQuantities, quantitySign } from "../validation/quantity.js";
import { isRecord } from "../validation/types.js";

export type ResourceList = Record<string, string | number>;
export interface Requirements {
  requests: ResourceList;
  limits: ResourceList;
}
export type ComponentResources = Record<"web" | "sidekiq", Requirements>;

/** Default resources per category and component. */
export const CATEGORY_RESOURCES: Readonly<Record<Category, ComponentResources>> = {
  personal: {
    web: { requests: { cpu: "250m", memory: "1Gi" }, limits: { memory: "2Gi" } },
    sidekiq: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "1Gi" } },
  },
  test: {
    web: { requests: { cpu: "500m", memory: "1536Mi" }, limits: { memory: "3Gi" } },
    sidekiq: { requests: { cpu: "500m", memory: "768Mi" }, limits: { memory: "1536Mi" } },
  },
  official: {
    web: { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } },
    sidekiq: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } },
  },
};

/** True for the three categories of the API. */
export function isCategory(v: unknown): v is Category {
  return v === "personal" || v === "test" || v === "official";
}

type Quantity = string | number;
/** A negative or malformed cap is the user's error to be told about, not a value to copy into a default. */
const lower = (value: Quantity, cap: Quantity | undefined): Quantity =>
  cap !== undefined && quantitySign(cap) !== -1 && compareQuantities(value, cap) === 1 ? cap : value;
const higher = (value: Quantity, floor: Quantity | undefined): Quantity =>
  floor !== undefined && compareQuantities(floor, value) === 1 ? floor : value;

/** Sets each missing entry of `list` to `choose(default, resource)`. */
function fillList(list: ResourceList, defaults: ResourceList, choose: (value: Quantity, resource: string) => Quantity): void {
  for (const [resource, value] of Object.entries(defaults)) {
    if (list[resource] === undefined) list[resource] = choose(value, resource);
  }
}

/**
 * Fills one component's requirements in place.
 * @param given - the component's requirements as given (a fresh copy, owned by the caller).
 * @returns `given` with missing requests and limits filled; a non-object is returned as is.
 */
export function fillRequirements(given: unknown, defaults: Requirements): unknown {
  if (given !== undefined && !isRecord(given)) return given;
  const out: Record<string, unknown> = given ?? {};
  if (out.requests !== undefined && !isRecord(out.requests)) return out;
  if (out.limits !== undefined && !isRecord(out.limits)) return out;
  const requests = (out.requests ?? {}) as ResourceList;
  const limits = (out.limits ?? {}) as ResourceList;
  fillList(requests, defaults.requests, (value, resource) => lower(value, limits[resource]));
  fillList(limits, defaults.limits, (value, resource) => higher(value, requests[resource]));
  out.requests = requests;
  out.limits = limits;
  return out;
}
