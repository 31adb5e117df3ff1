/**
 * Locating (and building when missing) the control-plane binaries with
 * test/envtest/build.sh: KUBEBUILDER_ASSETS when set, else the cache folder
 * keyed by version under .envtest/bin/.
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

/**
 * Runs the build script, its progress going to this process's stderr.
 * @returns the folder holding etcd, kube-apiserver and kube-controller-manager.
 * @throws Error when the build fails or Go is missing (the script says what to do).
 */
export async function ensureBinaries(): Promise<string> {
  const child = spawn("bash", [BUILD_SCRIPT], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  const code = await new Promise<number | null>((res, rej) => {
    child.on("error", rej);
    child.on("close", res);
  });
  if (code !== 0) throw new Error(`control-plane binaries unavailable: ${BUILD_SCRIPT} exited with ${String(code)}`);
  const dir = out.trim().split("\n").pop();
  if (!dir) throw new Error(`${BUILD_SCRIPT} printed no folder`);
  return dir;
}
