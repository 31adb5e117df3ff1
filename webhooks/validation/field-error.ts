/**
 * Field errors shaped like Kubernetes' `field.Error`
 * (k8s.io/apimachinery/pkg/util/validation/field/errors.go) and serialised
 * like the `metav1.StatusCause` the apiserver puts in `status.details.causes`:
 * `type` is the cause type, `field` the path (`spec.database.port`,
 * `spec.developerEmails[1]`), `message` the error body without the field
 * (`Invalid value: 51: must be ...`), exactly as `ErrorBody()` renders it.
 */

/** metav1.CauseType values used by field errors. */
export type FieldErrorType =
  | "FieldValueNotFound"
  | "FieldValueRequired"
  | "FieldValueDuplicate"
  | "FieldValueInvalid"
  | "FieldValueNotSupported"
  | "FieldValueForbidden"
  | "FieldValueTooLong"
  | "FieldValueTooMany"
  | "FieldValueTypeInvalid"
  | "InternalError";

/** One problem with one field: a `metav1.StatusCause`. */
export interface FieldError {
  type: FieldErrorType;
  field: string;
  message: string;
}

/**
 * Renders a bad value as Go's `field.Error.ErrorBody()` does: strings quoted
 * (`"x"`), numbers and booleans bare, null as `null`, anything else as JSON.
 */
export function formatValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

const withDetail = (body: string, detail?: string): string => (detail ? `${body}: ${detail}` : body);

/** `Required value[: detail]`. */
export function required(field: string, detail?: string): FieldError {
  return { type: "FieldValueRequired", field, message: withDetail("Required value", detail) };
}

/** `Invalid value: <value>: <detail>`. */
export function invalid(field: string, value: unknown, detail: string): FieldError {
  return { type: "FieldValueInvalid", field, message: withDetail(`Invalid value: ${formatValue(value)}`, detail) };
}

/** Like `invalid` with the TypeInvalid cause type (wrong JSON type or format). */
export function typeInvalid(field: string, value: unknown, detail: string): FieldError {
  return { type: "FieldValueTypeInvalid", field, message: withDetail(`Invalid value: ${formatValue(value)}`, detail) };
}

/** `Unsupported value: <value>: supported values: "a", "b"`. */
export function notSupported(field: string, value: unknown, supported: readonly unknown[]): FieldError {
  const list = supported.map((v) => JSON.stringify(String(v))).join(", ");
  return {
    type: "FieldValueNotSupported",
    field,
    message: withDetail(`Unsupported value: ${formatValue(value)}`, list ? `supported values: ${list}` : ""),
  };
}

/** `Duplicate value: <value>[: detail]`. */
export function duplicate(field: string, value: unknown, detail?: string): FieldError {
  return { type: "FieldValueDuplicate", field, message: withDetail(`Duplicate value: ${formatValue(value)}`, detail) };
}

/** `Forbidden: <detail>`. */
export function forbidden(field: string, detail: string): FieldError {
  return { type: "FieldValueForbidden", field, message: withDetail("Forbidden", detail) };
}

/** `Too long: may not be more than <max> bytes`. */
export function tooLong(field: string, max: number): FieldError {
  return { type: "FieldValueTooLong", field, message: `Too long: may not be more than ${max} bytes` };
}

/** `Too many: <actual>: must have at most <max> items`. */
export function tooMany(field: string, actual: number, max: number): FieldError {
  return { type: "FieldValueTooMany", field, message: `Too many: ${actual}: must have at most ${max} items` };
}

/** The line kubectl prints for one cause: `<field>: <message>`. */
export function errorLine(error: FieldError): string {
  return error.field ? `${error.field}: ${error.message}` : error.message;
}
