/**
 * The V8 flags the product starts the reconciler with: the NODE_OPTIONS of its
 * container in manifests/operator/reconciler-deployment.yaml (the Dockerfile sets
 * the same default), the flags its `command` gives node before the script (those Node
 * refuses in NODE_OPTIONS), and glibc's MALLOC_ARENA_MAX beside them. The benchmark
 * starts its operator processes with them, so memory.rss_mb is what ships.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "../src/envtest/binaries.js";

interface Container {
  command?: string[];
  env?: Array<{ name: string; value?: string }>;
}

interface Deployment {
  spec: { template: { spec: { containers: Container[] } } };
}

/** The image's entrypoint script, which the manifest's command must end with. */
export const ENTRYPOINT_SCRIPT = "dist/src/cli.js";

function reconcilerContainer(): Container {
  const d = parse(readFileSync(join(REPO_ROOT, "manifests", "operator", "reconciler-deployment.yaml"), "utf8")) as Deployment;
  return d.spec.template.spec.containers[0] ?? {};
}

function shipped(name: string): string {
  const value = reconcilerContainer().env?.find((e) => e.name === name)?.value;
  if (!value) throw new Error(`manifests/operator/reconciler-deployment.yaml sets no ${name} for the reconciler`);
  return value;
}

/** @throws Error when the manifest has no NODE_OPTIONS on the reconciler's container. */
export function shippedNodeOptions(): string {
  return shipped("NODE_OPTIONS");
}

/** glibc's MALLOC_ARENA_MAX of the reconciler's container. @throws Error when the manifest sets none. */
export function shippedMallocArenaMax(): string {
  return shipped("MALLOC_ARENA_MAX");
}

/**
 * The flags the reconciler's container gives node on its command line: its `command` is
 * `["node", ...flags, "dist/src/cli.js"]`.
 * @throws Error when the manifest sets no such command.
 */
export function shippedNodeFlags(): string[] {
  const command = reconcilerContainer().command ?? [];
  if (command[0] !== "node" || command[command.length - 1] !== ENTRYPOINT_SCRIPT) {
    throw new Error(`manifests/operator/reconciler-deployment.yaml: the reconciler's command is not ["node", ...flags, "${ENTRYPOINT_SCRIPT}"]`);
  }
  return command.slice(1, -1);
}
