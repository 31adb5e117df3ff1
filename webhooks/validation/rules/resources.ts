/**
 * spec.resources.{web,sidekiq}, checked as the apiserver checks a container's
 * resources (k8s.io/kubernetes pkg/apis/core/validation/validation.go,
 * ValidateResourceRequirements, validateContainerResourceName,
 * ValidateResourceQuantityValue), so that what admission lets in is what the
 * reconciler can apply to its Deployments:
 * - names: `cpu`, `memory`, `ephemeral-storage`, `hugepages-<size>`, or a
 *   domain-prefixed extended resource such as `nvidia.com/gpu`;
 * - quantities: parseable (the one parser, webhooks/validation/quantity.ts) and not negative;
 * - every request at most its limit (`500m` < `1`, `1Gi` = `1024Mi`); for
 *   resources that cannot be overcommitted (hugepages, extended resources) the
 *   limit is required and the request must equal it.
 */
import type { Discourse } from "../../../src/api/types.js";
import { invalid, required, type FieldError } from "../field-error.js";
import { qualifiedNameProblem } from "../qualified-name.js";
import { compareQuantities, passesSchemaOnly, quantitySign, quantityText } from "../quantity.js";
import { errorsOf, isRecord, resultOf, type ValidationResult } from "../types.js";
import { QUANTITY_MESSAGE } from "./sizes.js";

/** Components that have resource requirements. */
export const RESOURCE_COMPONENTS = ["web", "sidekiq"] as const;
/** Resource names a container may request without a domain (helper.IsStandardContainerResourceName). */
export const STANDARD_CONTAINER_RESOURCES = ["cpu", "memory", "ephemeral-storage"] as const;
const HUGEPAGES_PREFIX = "hugepages-";

/** Resources outside kubernetes.io without a domain and hugepages cannot be overcommitted (helper.IsOvercommitAllowed). */
function overcommitAllowed(resource: string): boolean {
  const native = !resource.includes("/") || resource.includes("kubernetes.io/");
  return native && !resource.startsWith(HUGEPAGES_PREFIX);
}

/** Why `resource` is not a container resource name; null when it is one. */
export function resourceNameProblem(resource: string): string | null {
  if (!resource.includes("/")) {
    const standard = (STANDARD_CONTAINER_RESOURCES as readonly string[]).includes(resource) || resource.startsWith(HUGEPAGES_PREFIX);
    return standard ? null : `must be a standard resource for containers (${STANDARD_CONTAINER_RESOURCES.join(", ")}, hugepages-<size>) or a domain-prefixed extended resource such as nvidia.com/gpu`;
  }
  const problem = qualifiedNameProblem(resource);
  if (problem) return problem;
  return resource.startsWith("requests.") ? "doesn't follow extended resource name standard" : null;
}

/** Name and quantity of each entry of one resource list. */
function listErrors(list: Record<string, unknown>, path: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const [resource, quantity] of Object.entries(list)) {
    const field = `${path}.${resource}`;
    const nameProblem = resourceNameProblem(resource);
    if (nameProblem) errors.push(invalid(field, resource, nameProblem));
    if (passesSchemaOnly(quantity)) errors.push(invalid(field, quantity, QUANTITY_MESSAGE));
    else if (quantitySign(quantity) === -1) errors.push(invalid(field, quantity, "must be greater than or equal to 0"));
  }
  return errors;
}

/** One request against its limit. */
function requestError(resource: string, request: unknown, limit: unknown, path: string): FieldError | null {
  const field = `${path}.requests.${resource}`;
  if (limit === undefined) {
    return overcommitAllowed(resource) ? null : required(`${path}.limits.${resource}`, "Limit must be set for non overcommitable resources");
  }
  // A negative limit is reported on its own; comparing a request with it would only repeat that.
  if (quantitySign(limit) === -1) return null;
  const order = compareQuantities(request, limit);
  if (order === null || order === 0) return null;
  if (!overcommitAllowed(resource)) return invalid(field, request, `must be equal to ${resource} limit of ${quantityText(limit)}`);
  return order === 1 ? invalid(field, request, `must be less than or equal to ${resource} limit of ${quantityText(limit)}`) : null;
}

/** Every request of one component against its limit. */
export function requestsWithinLimits(requirements: unknown, path: string): FieldError[] {
  if (!isRecord(requirements) || !isRecord(requirements.requests)) return [];
  const limits = isRecord(requirements.limits) ? requirements.limits : {};
  return Object.entries(requirements.requests)
    .map(([resource, request]) => requestError(resource, request, limits[resource], path))
    .filter((e): e is FieldError => e !== null);
}

/** All checks of one component's requirements. */
function componentErrors(requirements: unknown, path: string): FieldError[] {
  if (!isRecord(requirements)) return [];
  const lists = (["requests", "limits"] as const).flatMap((k) => {
    const list = requirements[k];
    return isRecord(list) ? listErrors(list, `${path}.${k}`) : [];
  });
  return [...lists, ...requestsWithinLimits(requirements, path)];
}

/** spec.resources.web and spec.resources.sidekiq: names, quantities, requests against limits. */
export function validateResources(obj: Discourse): ValidationResult {
  const resources: unknown = obj.spec?.resources;
  if (!isRecord(resources)) return errorsOf();
  return resultOf(RESOURCE_COMPONENTS.flatMap((c) => componentErrors(resources[c], `spec.resources.${c}`)));
}
