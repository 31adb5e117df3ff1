/**
 * The ajv validator of `spec`, compiled from the structural form of the one
 * TypeBox definition (src/api/schema.ts → src/api/structural.ts), i.e. the
 * very schema the CRD carries. Errors are translated into Kubernetes field
 * errors with the apiserver's own wording (apiextensions-apiserver
 * pkg/apiserver/validation/validation.go, kube-openapi pkg/validation/errors),
 * so `discourse-operator validate` prints what `kubectl apply` would print.
 *
 * Two differences with the apiserver, both deliberate: unknown fields are
 * reported (`Forbidden: unknown field "spec.replica"`, where kubectl's strict
 * field validation refuses the whole request), and CEL transition rules
 * (`self == oldSelf`) are left to webhooks/validation, which sees the old object.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsPlugin from "ajv-formats";
import { DiscourseBackupSpec } from "./backup-schema.js";
import { DiscourseSpec } from "./schema.js";
import { toStructural, type JsonSchema } from "./structural.js";
import {
  forbidden,
  invalid,
  notSupported,
  required,
  tooLong,
  tooMany,
  typeInvalid,
  type FieldError,
} from "../../webhooks/validation/field-error.js";

/** Vendor keywords of the CRD schema; ajv only has to accept them. */
export const KUBERNETES_KEYWORDS = [
  "x-kubernetes-int-or-string",
  "x-kubernetes-validations",
  "x-kubernetes-list-type",
  "x-kubernetes-list-map-keys",
  "x-kubernetes-map-type",
  "x-kubernetes-preserve-unknown-fields",
  "x-kubernetes-embedded-resource",
] as const;

type AddFormats = (ajv: Ajv) => Ajv;
// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = ((addFormatsPlugin as unknown as { default?: AddFormats }).default ??
  (addFormatsPlugin as unknown as AddFormats));

/** Closes every object that lists its properties, so unknown fields are reported. */
function closeObjects(node: JsonSchema): JsonSchema {
  const out: JsonSchema = { ...node };
  if (out.type === "object" && out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  if (out.properties) {
    out.properties = Object.fromEntries(
      Object.entries(out.properties as Record<string, JsonSchema>).map(([k, v]) => [k, closeObjects(v)]),
    );
  }
  if (out.items && typeof out.items === "object") out.items = closeObjects(out.items as JsonSchema);
  if (out.additionalProperties && typeof out.additionalProperties === "object") {
    out.additionalProperties = closeObjects(out.additionalProperties as JsonSchema);
  }
  return out;
}

/** A new strict ajv instance with formats and the x-kubernetes-* keywords. */
export function newAjv(): Ajv {
  // strictTypes is off because int-or-string nodes carry `pattern` next to
  // `anyOf: [integer, string]`, exactly as the CRD does.
  const ajv = new Ajv({ strict: true, strictTypes: false, allErrors: true, useDefaults: false });
  addFormats(ajv);
  for (const keyword of KUBERNETES_KEYWORDS) ajv.addKeyword({ keyword });
  return ajv;
}

let compiled: ValidateFunction | undefined;
let compiledBackup: ValidateFunction | undefined;

/** The compiled validator of a Discourse's `spec` (compiled once, on first use). */
export function specValidator(): ValidateFunction {
  compiled ??= newAjv().compile(closeObjects(toStructural(DiscourseSpec as unknown as JsonSchema)));
  return compiled;
}

/** The compiled validator of a DiscourseBackup's `spec` (compiled once, on first use). */
export function backupSpecValidator(): ValidateFunction {
  compiledBackup ??= newAjv().compile(closeObjects(toStructural(DiscourseBackupSpec as unknown as JsonSchema)));
  return compiledBackup;
}

/** Turns an ajv instance path (`/developerEmails/1`) into `spec.developerEmails[1]`. */
export function toFieldPath(root: string, instancePath: string, data: unknown): string {
  let path = root;
  let node: unknown = data;
  for (const raw of instancePath.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    path += Array.isArray(node) ? `[${key}]` : path ? `.${key}` : key;
    node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  }
  return path;
}

function valueAt(data: unknown, instancePath: string): unknown {
  let node = data;
  for (const raw of instancePath.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node;
}

const inBody = (field: string, text: string): string => `${field} in body ${text}`;

type Translator = (field: string, value: unknown, p: Record<string, unknown>) => FieldError;

const typeSuffix = (value: unknown): string => (typeof value === "string" ? `: ${JSON.stringify(value)}` : "");
const count = (value: unknown): unknown => (Array.isArray(value) ? value.length : value);

/** ajv keyword → the apiserver's wording of the same failure. */
const TRANSLATORS: Record<string, Translator> = {
  required: (field, _v, p) => required(`${field}.${String(p.missingProperty)}`),
  additionalProperties: (field, _v, p) =>
    forbidden(`${field}.${String(p.additionalProperty)}`, `unknown field "${field}.${String(p.additionalProperty)}"`),
  enum: (field, value, p) => notSupported(field, value, Array.isArray(p.allowedValues) ? p.allowedValues : []),
  maxLength: (field, _v, p) => tooLong(field, Number(p.limit)),
  minLength: (field, value, p) => invalid(field, value, inBody(field, `should be at least ${String(p.limit)} chars long`)),
  maxItems: (field, value, p) => tooMany(field, Array.isArray(value) ? value.length : -1, Number(p.limit)),
  minItems: (field, value, p) => invalid(field, count(value), inBody(field, `should have at least ${String(p.limit)} items`)),
  maximum: (field, value, p) => invalid(field, value, inBody(field, `should be less than or equal to ${String(p.limit)}`)),
  minimum: (field, value, p) => invalid(field, value, inBody(field, `should be greater than or equal to ${String(p.limit)}`)),
  pattern: (field, value, p) => invalid(field, value, inBody(field, `should match '${String(p.pattern)}'`)),
  format: (field, value, p) => typeInvalid(field, value, inBody(field, `must be of type ${String(p.format)}${typeSuffix(value)}`)),
  type: (field, value, p) => typeInvalid(field, value, inBody(field, `must be of type ${String(p.type)}${typeSuffix(value)}`)),
  anyOf: (field, value) => typeInvalid(field, value, inBody(field, "must be of type integer,string")),
};

/** One ajv error as the apiserver would word it. */
function translate(e: ErrorObject, field: string, value: unknown): FieldError {
  const translator = TRANSLATORS[e.keyword];
  if (translator) return translator(field, value, e.params as Record<string, unknown>);
  return invalid(field, value, inBody(field, e.message ?? "is invalid"));
}

/** Drops branch errors of an int-or-string `anyOf` when a clearer error exists. */
function withoutAnyOfNoise(errors: ErrorObject[]): ErrorObject[] {
  const anyOfPaths = new Set(errors.filter((e) => e.keyword === "anyOf").map((e) => e.instancePath));
  const hasPattern = new Set(errors.filter((e) => e.keyword === "pattern").map((e) => e.instancePath));
  return errors.filter((e) => {
    if (!anyOfPaths.has(e.instancePath)) return true;
    if (e.keyword === "pattern") return true;
    if (e.keyword === "anyOf") return !hasPattern.has(e.instancePath);
    return e.keyword !== "type";
  });
}

/**
 * Validates a `spec` against its CRD schema.
 * @param spec - the `spec` of a Discourse, any JSON value (nothing is mutated).
 * @param path - field path of `spec` in the messages; `spec` unless nested.
 * @param validate - the compiled schema; the Discourse spec's unless given (backupSpecValidator()).
 * @returns every schema problem as a field error, in schema order, each once
 *   (several per field when several keywords fail, as the apiserver reports);
 *   an empty list when the spec is valid.
 */
export function schemaErrors(spec: unknown, path = "spec", validate: ValidateFunction = specValidator()): FieldError[] {
  if (validate(spec)) return [];
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of withoutAnyOfNoise(validate.errors ?? [])) {
    const error = translate(e, toFieldPath(path, e.instancePath, spec), valueAt(spec, e.instancePath));
    const key = `${error.field}\u0000${error.type}\u0000${error.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(error);
  }
  return out;
}
