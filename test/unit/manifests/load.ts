/**
 * Reads the YAML under manifests/ for the manifest tests: every document of every
 * file, with the file it came from. The generated folders (crd/, webhook/) are read
 * when present but belong to `npm run manifests`.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
export const MANIFESTS = join(ROOT, "manifests");

/** A Kubernetes object as read from YAML: only the envelope is typed. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

export interface ManifestDoc {
  /** Path relative to manifests/, e.g. `rbac/webhook-role.yaml`. */
  file: string;
  object: KubeObject;
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(e.name) ? [path] : [];
  });
}

/** Every document of `file` (absolute path); throws on a YAML syntax error. */
export function readDocs(file: string): KubeObject[] {
  return parseAllDocuments(readFileSync(file, "utf8")).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join("; ")}`);
    const value = doc.toJS() as KubeObject | null;
    return value === null ? [] : [value];
  });
}

/** Every document under manifests/ (or under `sub`, relative to it). */
export function readManifests(sub = "."): ManifestDoc[] {
  return yamlFiles(join(MANIFESTS, sub))
    .sort()
    .flatMap((path) => readDocs(path).map((object) => ({ file: relative(MANIFESTS, path), object })));
}

/** The one object of `kind` named `name`; throws when there is not exactly one. */
export function find<T extends KubeObject = KubeObject>(docs: ManifestDoc[], kind: string, name: string): T {
  const found = docs.filter((d) => d.object.kind === kind && d.object.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind}/${name} in manifests/, found ${found.length}`);
  return found[0]!.object as T;
}

/** The `resources:` of a kustomization.yaml under manifests/ (`sub` is its folder). */
export function kustomizationResources(sub = "."): string[] {
  const [k] = readDocs(join(MANIFESTS, sub, "kustomization.yaml")) as Array<KubeObject & { resources?: string[] }>;
  return k?.resources ?? [];
}

/**
 * The documents `kubectl apply -k manifests/` installs, read from the files its
 * kustomization lists. A listed file that is missing is skipped here (the
 * kustomization test reports it), so that one missing generated file fails one test.
 */
export function baseManifests(): ManifestDoc[] {
  return kustomizationResources()
    .filter((file) => existsSync(join(MANIFESTS, file)))
    .flatMap((file) => readDocs(join(MANIFESTS, file)).map((object) => ({ file, object })));
}
