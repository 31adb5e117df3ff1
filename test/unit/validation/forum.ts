/** Builders of test objects: a valid minimal Discourse, changed per case. */
import type { V1ObjectMeta } from "@kubernetes/client-node";
import type { Discourse, DiscourseSpec } from "../../../src/api/types.js";
import type { FieldError, ValidationResult } from "../../../webhooks/validation/types.js";

/** A valid Discourse `forums/forum` with `spec` merged over the minimal spec. */
export function forum(spec: Partial<DiscourseSpec> | Record<string, unknown> = {}, metadata: Partial<V1ObjectMeta> = {}): Discourse {
  return {
    apiVersion: "discourse.cern/v1alpha1",
    kind: "Discourse",
    metadata: { name: "forum", namespace: "forums", ...metadata },
    spec: { hostname: "forum.example.org", developerEmails: ["admin@example.org"], ...spec },
  };
}

/** The expected result: these errors, these warnings. */
export function result(errors: FieldError[] = [], warnings: string[] = []): ValidationResult {
  return { errors, warnings };
}

export const err = (type: FieldError["type"], field: string, message: string): FieldError => ({ type, field, message });
