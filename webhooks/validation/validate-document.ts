/**
 * Offline validation of YAML files (`discourse-operator validate -f FILE`), for
 * CI pipelines and GitOps repositories: the same defaulting, schema and rules
 * as the webhooks, so the same messages. Each Discourse document (also inside
 * a `kind: List`) is defaulted as the mutating webhook would (no Route API
 * known) and validated as a CREATE; other kinds are skipped. Facts: the only
 * other hostnames are those of the other Discourse documents of the text, and
 * no Secret is known, so Secret warnings are skipped.
 */
import { parseAllDocuments } from "yaml";
import { API_VERSION, KIND } from "../../src/api/constants.js";
import type { Discourse } from "../../src/api/types.js";
import { applyDefaults } from "../defaulting/apply-defaults.js";
import { notSupported } from "./field-error.js";
import { isRecord, nameOf, namespaceOf, type HostnameClaim, type ValidationResult } from "./types.js";
import { validate } from "./validate.js";

/** The validation of one Discourse document. */
export interface DocumentResult {
  /** metadata.name, or `<document N>` (1-based) when it has none. */
  name: string;
  result: ValidationResult;
}

interface Entry {
  index: number;
  value: Record<string, unknown> | null;
  parseError?: string;
}

function entries(yamlText: string): Entry[] {
  const out: Entry[] = [];
  parseAllDocuments(yamlText).forEach((doc, index) => {
    const firstError = doc.errors[0];
    if (firstError) return void out.push({ index, value: null, parseError: firstError.message });
    const value: unknown = doc.toJS();
    if (isRecord(value) && value.kind === "List" && Array.isArray(value.items)) {
      for (const item of value.items as unknown[]) if (isRecord(item)) out.push({ index, value: item });
    } else if (isRecord(value)) {
      out.push({ index, value });
    }
  });
  return out.filter((e) => e.parseError !== undefined || e.value?.kind === KIND);
}

function claims(docs: Entry[]): HostnameClaim[] {
  return docs.flatMap((d) => {
    const spec = d.value?.spec;
    const hostname = isRecord(spec) ? spec.hostname : undefined;
    if (!d.value || typeof hostname !== "string") return [];
    const obj = d.value as { metadata?: { name?: unknown; namespace?: unknown } };
    return [{ namespace: namespaceOf(obj), name: nameOf(obj), hostname }];
  });
}

function validateEntry(entry: Entry, others: HostnameClaim[]): ValidationResult {
  if (entry.parseError !== undefined || !entry.value) {
    const reason = (entry.parseError ?? "empty document").split("\n")[0] ?? "";
    return { errors: [{ type: "FieldValueInvalid", field: "", message: `error converting YAML to JSON: ${reason}` }], warnings: [] };
  }
  const obj = entry.value as unknown as Discourse;
  const result = validate(applyDefaults(obj, { routeApiAvailable: false }), undefined, { otherHostnames: others }, "CREATE");
  if (entry.value.apiVersion === API_VERSION) return result;
  return { ...result, errors: [notSupported("apiVersion", entry.value.apiVersion ?? "", [API_VERSION]), ...result.errors] };
}

/**
 * Validates every Discourse in a (multi-document) YAML text.
 * @param yamlText - the file's content.
 * @returns one result per Discourse document, in file order, plus one per
 *   document that is not valid YAML; [] when the text holds no Discourse. Never throws.
 */
export function validateDocument(yamlText: string): DocumentResult[] {
  const docs = entries(yamlText);
  const others = claims(docs);
  return docs.map((entry) => ({
    name: (entry.value && nameOf(entry.value as { metadata?: { name?: unknown } })) || `<document ${entry.index + 1}>`,
    result: validateEntry(entry, others),
  }));
}
