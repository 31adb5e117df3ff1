/**
 * Shapes shared by the validation rules: the result, the facts gathered from
 * the cluster at the edge (so rules stay pure), and the rule signatures.
 */
import type { Discourse } from "../../src/api/types.js";
import type { FieldError } from "./field-error.js";

export type { FieldError, FieldErrorType } from "./field-error.js";

/** Admission operations the validating webhook is registered for. */
export type Operation = "CREATE" | "UPDATE" | "DELETE";

/** What a validation returns: hard errors (deny) and soft warnings (allow, tell). */
export interface ValidationResult {
  errors: FieldError[];
  warnings: string[];
}

/** A Discourse seen elsewhere in the cluster, for hostname uniqueness. */
export interface HostnameClaim {
  namespace: string;
  name: string;
  hostname: string;
}

/** Facts from the cluster that some rules need; gathered by the caller. */
export interface ValidationFacts {
  /** Hostnames of the Discourse objects in the cluster (the object itself is skipped by namespace/name). */
  otherHostnames: HostnameClaim[];
  /**
   * Names of the Secrets that exist in the object's namespace. Undefined means
   * "not known" (offline validation): no Secret warnings are given then.
   */
  existingSecrets?: ReadonlySet<string>;
  /**
   * Labels of the existing Secrets (metadata only), by name. Undefined means
   * "not known": the check that a Secret belongs to no other forum is skipped
   * then (offline, or a caller that is not the API server); the reconciler
   * refuses such a Secret anyway.
   */
  secretLabels?: ReadonlyMap<string, Readonly<Record<string, string>>>;
}

/** Facts of an offline validation: nothing known about the cluster. */
export const OFFLINE_FACTS: ValidationFacts = { otherHostnames: [] };

/** A rule on one object (create rules also run on update). */
export type CreateRule = (obj: Discourse, facts: ValidationFacts, operation: Operation) => ValidationResult;
/** A transition rule: the new object against the stored one. */
export type UpdateRule = (obj: Discourse, old: Discourse) => ValidationResult;

/** No problem. */
export const OK: ValidationResult = Object.freeze({ errors: Object.freeze([]) as unknown as FieldError[], warnings: Object.freeze([]) as unknown as string[] });

/** A result with these errors and no warnings. */
export function errorsOf(...errors: FieldError[]): ValidationResult {
  return { errors, warnings: [] };
}

/**
 * A result with these errors (and warnings): for lists of any length, which
 * `errorsOf(...list)` would spread onto the call stack (a forged object with
 * 200 000 duplicates would overflow it).
 */
export function resultOf(errors: FieldError[], warnings: string[] = []): ValidationResult {
  return { errors, warnings };
}

/** A result with these warnings and no errors. */
export function warningsOf(...warnings: string[]): ValidationResult {
  return { errors: [], warnings };
}

/** Concatenates results in order. */
export function mergeResults(results: readonly ValidationResult[]): ValidationResult {
  return { errors: results.flatMap((r) => r.errors), warnings: results.flatMap((r) => r.warnings) };
}

/** True for a non-null, non-array object. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** metadata.name when it is a string, else "" (objects may be malformed). */
export function nameOf(obj: { metadata?: { name?: unknown } | undefined }): string {
  const name = obj.metadata?.name;
  return typeof name === "string" ? name : "";
}

/** metadata.namespace when it is a non-empty string, else "default". */
export function namespaceOf(obj: { metadata?: { namespace?: unknown } | undefined }): string {
  const namespace = obj.metadata?.namespace;
  return typeof namespace === "string" && namespace !== "" ? namespace : "default";
}

/**
 * The value at `path` under `root`, read defensively (any node may be missing
 * or of the wrong JSON type): used for fields that only some versions of the
 * schema have (spec.redis.storage, spec.backup), so a rule applies as soon as
 * the field exists.
 */
export function valueAt(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const key of path) {
    if (!isRecord(node)) return undefined;
    node = node[key];
  }
  return node;
}
