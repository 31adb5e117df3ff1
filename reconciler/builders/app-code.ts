/**
 * The code a forum runs and its identity, the "code revision".
 *
 * Discourse's schema belongs to its code: core migrations come with the image
 * (`spec.version`, `spec.image`) and every plugin brings its own `db/migrate`
 * and `db/post_migrate` directories (discourse `lib/plugin/instance.rb` adds
 * both to the migration paths). So a new version, a new image at the same
 * version, or a changed plugin set (a plugin added, removed, or at another
 * ref) is new code that must be migrated before it serves.
 *
 * Where "what runs now" is recorded: on the web and sidekiq Deployments
 * themselves, as two annotations on their metadata (not the pod template):
 * `discourse.cern/revision` (the code revision) and `discourse.cern/code` (the
 * code as JSON, so the reconciler can keep building it while a newer revision
 * migrates). They are written only once that code's pre-deployment migration
 * succeeded, so they mean "this code runs and its database is migrated for
 * it". The record lives with the object that runs the code, so it survives a
 * Discourse restored without its status; `status.version` and
 * `status.revision` mirror it for users.
 */
import { createHash } from "node:crypto";
import { GROUP } from "../../src/api/constants.js";
import type { DefaultedDiscourse, PluginSpec } from "../../src/api/types.js";

/** Annotation on web and sidekiq: the code revision they run (see the file comment). */
export const REVISION_ANNOTATION = `${GROUP}/revision`;
/** Annotation on web and sidekiq: the code they run, as JSON of {@link AppCode}. */
export const CODE_ANNOTATION = `${GROUP}/code`;

/** Everything that decides which migrations exist: the Discourse release, its image, the plugins at their refs. */
export interface AppCode {
  version: string;
  image: string;
  plugins: PluginSpec[];
}

/** The code the spec asks for. */
export function specCode(obj: DefaultedDiscourse): AppCode {
  const { version, image, plugins } = obj.spec;
  return { version, image, plugins: plugins.map((p) => ({ ...p })) };
}

/**
 * JSON with object keys sorted (by UTF-16 code units) and undefined members left out, so
 * key order is no change; an undefined array element is `null`, as JSON.stringify has it.
 * Built as one string, without an array per object: a reconcile hashes pod templates and
 * compares status with it, and its garbage was a sixth of what the reconciler allocated
 * (docs/benchmarks.md, ninth session).
 */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) {
    let out = "[";
    for (let i = 0; i < v.length; i++) out += (i > 0 ? "," : "") + canonicalJson(v[i]);
    return `${out}]`;
  }
  if (typeof v === "object" && v !== null) {
    const o = v as Record<string, unknown>;
    let out = "{";
    let first = true;
    for (const k of Object.keys(o).sort()) {
      const x = o[k];
      if (x === undefined) continue;
      out += `${first ? "" : ","}${JSON.stringify(k)}:${canonicalJson(x)}`;
      first = false;
    }
    return `${out}}`;
  }
  return JSON.stringify(v) ?? "null";
}

/** The first `length` hex digits of the SHA-256 of `canonicalJson(value)`. */
export function contentHash(value: unknown, length: number): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex").slice(0, length);
}

/**
 * The code revision: 12 hex digits of SHA-256 over version, image and the
 * plugin list (name, repository, ref, in spec order: the order plugins load
 * in). Equal code gives an equal revision whatever the rest of the spec.
 */
export function codeRevision(code: AppCode): string {
  return contentHash({ version: code.version, image: code.image, plugins: code.plugins.map((p) => ({ name: p.name, repository: p.repository, ref: p.ref })) }, 12);
}

/** The Discourse with its code fields replaced by `code` (a new object; `obj` is not changed). */
export function withCode(obj: DefaultedDiscourse, code: AppCode): DefaultedDiscourse {
  return { ...obj, spec: { ...obj.spec, version: code.version, image: code.image, plugins: code.plugins.map((p) => ({ ...p })) } };
}

/** The two annotations that record `code` on web and sidekiq. */
export function codeAnnotations(code: AppCode): Record<string, string> {
  return { [REVISION_ANNOTATION]: codeRevision(code), [CODE_ANNOTATION]: canonicalJson(code) };
}

function isPlugin(p: unknown): p is PluginSpec {
  const o = p as Partial<Record<keyof PluginSpec, unknown>> | null;
  return typeof o === "object" && o !== null && typeof o.name === "string" && typeof o.repository === "string" && (o.ref === undefined || typeof o.ref === "string");
}

/**
 * The code recorded on a live Deployment by {@link codeAnnotations}, or
 * undefined when it carries none, or one that does not parse, or one whose
 * revision does not match its code (edited by hand: not trusted).
 */
export function recordedCode(annotations: Record<string, string> | undefined): AppCode | undefined {
  const raw = annotations?.[CODE_ANNOTATION];
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const c = parsed as Partial<Record<keyof AppCode, unknown>> | null;
  if (typeof c !== "object" || c === null || typeof c.version !== "string" || typeof c.image !== "string") return undefined;
  if (!Array.isArray(c.plugins) || !c.plugins.every(isPlugin)) return undefined;
  const code: AppCode = { version: c.version, image: c.image, plugins: c.plugins };
  return annotations?.[REVISION_ANNOTATION] === codeRevision(code) ? code : undefined;
}
