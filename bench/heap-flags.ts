/**
 * The V8 flags the product starts the reconciler with: the NODE_OPTIONS of its
 * container in manifests/operator/reconciler-deployment.yaml (the Dockerfile sets
 * the same default), and glibc's MALLOC_ARENA_MAX beside them. The benchmark starts its operator processes with them, so
 * memory.rss_mb is what ships.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "../src/envtest/binaries.js";

interface Deployment {
  spec: { template: { spec: { containers: Array<{ env?: Array<{ name: string; value?: string }> }> } } };
}

function shipped(name: string): string {
  const d = parse(readFileSync(join(REPO_ROOT, "manifests", "operator", "reconciler-deployment.yaml"), "utf8")) as Deployment;
  const value = d.spec.template.spec.containers[0]?.env?.find((e) => e.name === name)?.value;
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
