/**
 * spec.env: extra Discourse settings only. Names start with DISCOURSE_
 * (Discourse reads `DISCOURSE_<SETTING>` variables), names the operator sets
 * from spec fields are rejected (webhooks/validation/reserved-env.ts), no name
 * twice, and each value has one source, as the apiserver requires of
 * containers (pkg/apis/core/validation validateEnvVarValueFrom).
 */
import type { Discourse } from "../../../src/api/types.js";
import { duplicate, forbidden, invalid, type FieldError } from "../field-error.js";
import { ENV_PREFIX, isReservedEnvName, reservedEnvSource } from "../reserved-env.js";
import { isRecord, resultOf, type ValidationResult } from "../types.js";

function envList(obj: Discourse): Array<Record<string, unknown>> {
  const env: unknown = obj.spec?.env;
  return Array.isArray(env) ? env.map((e: unknown) => (isRecord(e) ? e : {})) : [];
}

function nameError(name: string, path: string, seen: Set<string>): FieldError | null {
  if (!name.startsWith(ENV_PREFIX)) return invalid(path, name, `must start with ${ENV_PREFIX}: Discourse reads its settings from DISCOURSE_* variables`);
  if (isReservedEnvName(name)) return forbidden(path, `${name} is set by the operator from ${reservedEnvSource(name)}`);
  if (seen.has(name)) return duplicate(path, name);
  return null;
}

/** Every spec.env[i].name starts with DISCOURSE_, is not reserved, and is unique. */
export function validateEnvNames(obj: Discourse): ValidationResult {
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  envList(obj).forEach((e, i) => {
    if (typeof e.name !== "string" || e.name === "") return;
    const error = nameError(e.name, `spec.env[${i}].name`, seen);
    if (error) errors.push(error);
    seen.add(e.name);
  });
  return resultOf(errors);
}

function sourceError(e: Record<string, unknown>, path: string): FieldError | null {
  if (e.valueFrom === undefined) return null;
  if (typeof e.value === "string" && e.value !== "") return invalid(path, "", "may not be specified when `value` is not empty");
  const from = isRecord(e.valueFrom) ? e.valueFrom : {};
  const sources = ["configMapKeyRef", "secretKeyRef"].filter((k) => from[k] !== undefined).length;
  if (sources === 0) return invalid(path, "", "must specify one of: `configMapKeyRef` or `secretKeyRef`");
  if (sources > 1) return invalid(path, "", "may not have more than one field specified at a time");
  return null;
}

/** Every spec.env[i] has a literal value or exactly one valueFrom source, not both. */
export function validateEnvSources(obj: Discourse): ValidationResult {
  const errors: FieldError[] = [];
  envList(obj).forEach((e, i) => {
    const error = sourceError(e, `spec.env[${i}].valueFrom`);
    if (error) errors.push(error);
  });
  return resultOf(errors);
}
