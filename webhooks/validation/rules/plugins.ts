/**
 * spec.plugins: names unique (each becomes a directory under plugins/),
 * `repository` an https:// git URL with a host and no credentials in it (git
 * clones it; https keeps the clone authenticated by TLS; a token in the URL
 * would land in pod specs, Events and logs), and `ref` a valid git ref name
 * that cannot be read as an option (webhooks/validation/git-ref.ts).
 */
import type { Discourse } from "../../../src/api/types.js";
import { duplicate, forbidden, invalid, type FieldError } from "../field-error.js";
import { gitRefProblem } from "../git-ref.js";
import { errorsOf, isRecord, resultOf, type ValidationResult } from "../types.js";

function parseUrl(text: string): URL | null {
  try {
    return new URL(text);
  } catch {
    return null;
  }
}

/** The URL with its user information replaced, so a denial never repeats a token. */
export function redactedUrl(url: URL): string {
  const copy = new URL(url.href);
  copy.username = "";
  copy.password = "";
  return copy.href.replace("://", "://<redacted>@");
}

function repositoryError(repository: string, field: string): FieldError | null {
  const url = parseUrl(repository);
  if (url?.protocol !== "https:" || url.hostname === "") {
    return invalid(field, url && (url.username || url.password) ? redactedUrl(url) : repository, "must be an https:// git URL, e.g. https://github.com/discourse/discourse-solved");
  }
  if (url.username !== "" || url.password !== "") {
    return forbidden(field, `${redactedUrl(url)}: credentials in the URL would be copied into pod specs and Events; use a public repository or a mirror the cluster can read without them`);
  }
  return null;
}

/** Each plugin name appears once; each repeat is reported at its index. */
export function validatePluginNamesUnique(obj: Discourse): ValidationResult {
  const plugins: unknown = obj.spec?.plugins;
  if (!Array.isArray(plugins)) return errorsOf();
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  plugins.forEach((plugin: unknown, i) => {
    if (!isRecord(plugin) || typeof plugin.name !== "string") return;
    if (seen.has(plugin.name)) errors.push(duplicate(`spec.plugins[${i}].name`, plugin.name));
    seen.add(plugin.name);
  });
  return resultOf(errors);
}

/** Each plugin repository is an https:// URL with a host and without user or password. */
export function validatePluginRepositories(obj: Discourse): ValidationResult {
  const plugins: unknown = obj.spec?.plugins;
  if (!Array.isArray(plugins)) return errorsOf();
  const errors: FieldError[] = [];
  plugins.forEach((plugin: unknown, i) => {
    if (!isRecord(plugin) || typeof plugin.repository !== "string") return;
    const error = repositoryError(plugin.repository, `spec.plugins[${i}].repository`);
    if (error) errors.push(error);
  });
  return resultOf(errors);
}

/** Each plugin ref, when set, is a git ref name that does not start with '-'. */
export function validatePluginRefs(obj: Discourse): ValidationResult {
  const plugins: unknown = obj.spec?.plugins;
  if (!Array.isArray(plugins)) return errorsOf();
  const errors: FieldError[] = [];
  plugins.forEach((plugin: unknown, i) => {
    if (!isRecord(plugin) || typeof plugin.ref !== "string") return;
    const problem = gitRefProblem(plugin.ref);
    if (problem) errors.push(invalid(`spec.plugins[${i}].ref`, plugin.ref, problem));
  });
  return resultOf(errors);
}
