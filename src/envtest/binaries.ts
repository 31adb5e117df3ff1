/**
 * Locating (and building when missing) the local control plane's binaries with
 * test/envtest/build.sh: each one from KUBEBUILDER_ASSETS when it is there,
 * else from the cache folders keyed by version under .envtest/bin/.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Repository root: the nearest folder above this file holding package.json
 * (this file is src/envtest/binaries.ts, or dist/src/envtest/binaries.js once compiled).
 */
export const REPO_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

function findRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) return resolve(from, "..", "..");
  }
}
const BUILD_SCRIPT = join(REPO_ROOT, "test", "envtest", "build.sh");

/** The programs of the local control plane, as build.sh names them. */
export const BINARY_NAMES = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"] as const;
export type BinaryName = (typeof BINARY_NAMES)[number];
/** Absolute path of each program. */
export type Binaries = Record<BinaryName, string>;

/** The paths in build.sh's `name=path` lines. @throws Error when one is missing. */
export function parseBinaryPaths(stdout: string): Binaries {
  const paths = new Map<string, string>();
  for (const line of stdout.split("\n")) {
    const eq = line.indexOf("=");
    if (eq > 0) paths.set(line.slice(0, eq), line.slice(eq + 1).trim());
  }
  const out: Partial<Binaries> = {};
  for (const name of BINARY_NAMES) {
    const path = paths.get(name);
    if (!path) throw new Error(`${BUILD_SCRIPT} named no path for ${name}`);
    out[name] = path;
  }
  return out as Binaries;
}

/** The five programs in one folder (e.g. KUBEBUILDER_ASSETS holding them all). */
export function binariesIn(dir: string): Binaries {
  return Object.fromEntries(BINARY_NAMES.map((n) => [n, join(dir, n)])) as Binaries;
}

/**
 * Runs the build script, its progress going to this process's stderr.
 * @returns the path of every binary.
 * @throws Error when the build fails or Go is missing (the script says what to do).
 */
export async function ensureBinaries(): Promise<Binaries> {
  const child = spawn("bash", [BUILD_SCRIPT], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  const code = await new Promise<number | null>((res, rej) => {
    child.on("error", rej);
    child.on("close", res);
  });
  if (code !== 0) throw new Error(`control-plane binaries unavailable: ${BUILD_SCRIPT} exited with ${String(code)}`);
  return parseBinaryPaths(out);
}
