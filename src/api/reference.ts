/**
 * The field reference of the Discourse API (docs/reference.md): Discourse and
 * DiscourseBackup, generated from the same structural schemas as the CRDs, so docs and
 * `kubectl explain` agree.
 */
import { discourseOpenApiSchema } from "./crd.js";
import { API_VERSION, KIND, SHORT_NAME } from "./constants.js";
import { BACKUP_KIND, BACKUP_SHORT_NAME } from "./backup-constants.js";
import { discourseBackupOpenApiSchema } from "./backup-crd.js";
import type { JsonSchema } from "./structural.js";

/** A schema keyword's value as text: primitives as they are, anything else as JSON. */
function text(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return v === undefined ? "" : JSON.stringify(v);
}

interface Row {
  path: string;
  type: string;
  description: string;
  constraints: string;
}

function typeOf(s: JsonSchema): string {
  if (s["x-kubernetes-int-or-string"] === true) return "quantity (int or string)";
  if (s.type === "array") return `[]${typeOf((s.items as JsonSchema | undefined) ?? {})}`;
  if (s.type === "object" && s.additionalProperties) return `map[string]${typeOf(s.additionalProperties as JsonSchema)}`;
  return text(s.type ?? "object");
}

function constraintsOf(s: JsonSchema, required: boolean): string {
  const out: string[] = [];
  if (required) out.push("required");
  if (Array.isArray(s.enum)) out.push(`one of ${s.enum.map((v) => `\`${String(v)}\``).join(", ")}`);
  if (s.minimum !== undefined || s.maximum !== undefined) out.push(`${text(s.minimum)}..${text(s.maximum)}`);
  if (s.minItems !== undefined || s.maxItems !== undefined) out.push(`${text(s.minItems ?? 0)} to ${text(s.maxItems ?? "∞")} items`);
  if (s.maxLength !== undefined) out.push(`at most ${text(s.maxLength)} chars`);
  if (s.format !== undefined) out.push(`format ${text(s.format)}`);
  if (s.default !== undefined) out.push(`default \`${JSON.stringify(s.default)}\``);
  const rules = s["x-kubernetes-validations"];
  if (Array.isArray(rules)) out.push(...rules.map((r) => `CEL: \`${text((r as JsonSchema).rule)}\``));
  return out.join("; ");
}

function walk(s: JsonSchema, path: string, required: boolean, rows: Row[]): void {
  rows.push({ path, type: typeOf(s), description: text(s.description), constraints: constraintsOf(s, required) });
  const item = s.type === "array" ? (s.items as JsonSchema | undefined) : undefined;
  const props = (item ?? s).properties as Record<string, JsonSchema> | undefined;
  const req = new Set(((item ?? s).required as string[] | undefined) ?? []);
  for (const [name, child] of Object.entries(props ?? {})) walk(child, `${path}${item ? "[]" : ""}.${name}`, req.has(name), rows);
}

const cell = (text: string): string => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** The reference of one kind: a title, how to explain it, and the spec and status tables. */
function kindReference(kind: string, shortName: string, schema: JsonSchema, level: string): string[] {
  const props = schema.properties as Record<string, JsonSchema>;
  const lines = [`${level} ${kind}`, "", `Short name: \`${shortName}\`. \`kubectl explain ${kind.toLowerCase()}.spec.<field>\` prints the same descriptions.`, ""];
  for (const part of ["spec", "status"]) {
    const rows: Row[] = [];
    walk(props[part] ?? {}, part, part === "spec", rows);
    lines.push(`${level}# ${part}`, "", "| field | type | description | constraints |", "|---|---|---|---|");
    for (const r of rows) lines.push(`| \`${r.path}\` | ${cell(r.type)} | ${cell(r.description)} | ${cell(r.constraints)} |`);
    lines.push("");
  }
  return lines;
}

/** @returns the Markdown reference of every field of spec and status of Discourse and DiscourseBackup. */
export function fieldReference(): string {
  return [
    `# Field reference (${API_VERSION})`,
    "",
    "Generated from `src/api/schema.ts` and `src/api/backup-schema.ts` by `npm run manifests`; do not edit by hand.",
    "",
    ...kindReference(KIND, SHORT_NAME, discourseOpenApiSchema(), "##"),
    ...kindReference(BACKUP_KIND, BACKUP_SHORT_NAME, discourseBackupOpenApiSchema(), "##"),
  ].join("\n");
}
