/**
 * spec.resources.{web,sidekiq}: every request at most its limit, compared as
 * quantities (`500m` < `1`, `1Gi` = `1024Mi`), as the apiserver checks
 * containers (k8s.io/kubernetes pkg/apis/core/validation ValidateResourceRequirements).
 */
import type { Discourse } from "../../../src/api/types.js";
import { invalid, type FieldError } from "../field-error.js";
import { compareQuantities, quantityText } from "../quantity.js";
import { errorsOf, isRecord, type ValidationResult } from "../types.js";

/** Components that have resource requirements. */
export const RESOURCE_COMPONENTS = ["web", "sidekiq"] as const;

/** Every requests.<r> of one component is at most limits.<r> when both are set. */
export function requestsWithinLimits(requirements: unknown, path: string): FieldError[] {
  if (!isRecord(requirements) || !isRecord(requirements.requests) || !isRecord(requirements.limits)) return [];
  const limits = requirements.limits;
  const errors: FieldError[] = [];
  for (const [resource, request] of Object.entries(requirements.requests)) {
    const limit = limits[resource];
    if (limit === undefined || compareQuantities(request, limit) !== 1) continue;
    errors.push(invalid(`${path}.requests.${resource}`, request, `must be less than or equal to ${resource} limit of ${quantityText(limit)}`));
  }
  return errors;
}

/** spec.resources.web and spec.resources.sidekiq: requests at most limits. */
export function validateResources(obj: Discourse): ValidationResult {
  const resources: unknown = obj.spec?.resources;
  if (!isRecord(resources)) return errorsOf();
  return errorsOf(...RESOURCE_COMPONENTS.flatMap((c) => requestsWithinLimits(resources[c], `spec.resources.${c}`)));
}
