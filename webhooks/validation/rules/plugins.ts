/**
 * spec.plugins: names unique (each becomes a directory under plugins/), and
 * `repository` an https:// git URL with a host (git clones it in the image
 * build; https keeps the clone authenticated by TLS).
 */
import type { Discourse } from "../../../src/api/types.js";
import { duplicate, invalid, type FieldError } from "../field-error.js";
import { errorsOf, isRecord, type ValidationResult } from "../types.js";

function isHttpsUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "https:" && url.hostname !== "";
  } catch {
    return false;
  }
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
  return errorsOf(...errors);
}

/** Each plugin repository is an https:// URL with a host. */
export function validatePluginRepositories(obj: Discourse): ValidationResult {
  const plugins: unknown = obj.spec?.plugins;
  if (!Array.isArray(plugins)) return errorsOf();
  const errors: FieldError[] = [];
  plugins.forEach((plugin: unknown, i) => {
    if (!isRecord(plugin) || typeof plugin.repository !== "string" || isHttpsUrl(plugin.repository)) return;
    errors.push(invalid(`spec.plugins[${i}].repository`, plugin.repository, "must be an https:// git URL, e.g. https://github.com/discourse/discourse-solved"));
  });
  return errorsOf(...errors);
}
