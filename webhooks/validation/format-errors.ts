/**
 * Text output as kubectl prints an Invalid error (k8s.io/kubectl
 * pkg/cmd/util/helpers.go, checkErr → MultilineError): one problem on the
 * first line, several as `* field: message` lines under the heading.
 */
import { errorLine, type FieldError } from "./field-error.js";

/**
 * Formats the errors of one object.
 * @param kind - the object's kind, e.g. `Discourse`.
 * @param name - metadata.name.
 * @returns `The Discourse "x" is invalid: spec.replicas: Invalid value: ...` for one
 *   error; for several, the heading (ending in ": ") then one `* ...` line each;
 *   "" when there is no error. No trailing newline.
 */
export function formatErrors(kind: string, name: string, errors: readonly FieldError[]): string {
  if (errors.length === 0) return "";
  const heading = `The ${kind} ${JSON.stringify(name)} is invalid: `;
  const [only] = errors;
  if (errors.length === 1 && only) return `${heading}${errorLine(only)}`;
  return [heading, ...errors.map((e) => `* ${errorLine(e)}`)].join("\n");
}

/** Warnings as kubectl prints admission warnings: `Warning: <text>`, one per line. */
export function formatWarnings(warnings: readonly string[]): string[] {
  return warnings.map((w) => `Warning: ${w}`);
}
