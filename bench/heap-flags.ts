/**
 * The V8 flags the product starts the reconciler with: the NODE_OPTIONS of its
 * container in manifests/operator/reconciler-deployment.yaml (the Dockerfile sets
 * the same default). The benchmark starts its operator processes with them, so
 * memory.rss_mb is what ships.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { REPO_ROOT } from "../src/envtest/binaries.js";

interface Deployment {
  spec: { template: { spec: { containers: Array<{ env?: Array<{ name: string; value?: string }> }> } } };
}

/** @throws Error when the manifest has no NODE_OPTIONS on the reconciler's container. */
export function shippedNodeOptions(): string {
  const d = parse(readFileSync(join(REPO_ROOT, "manifests", "operator", "reconciler-deployment.yaml"), "utf8")) as Deployment;
  const value = d.spec.template.spec.containers[0]?.env?.find((e) => e.name === "NODE_OPTIONS")?.value;
  if (!value) throw new Error("manifests/operator/reconciler-deployment.yaml sets no NODE_OPTIONS for the reconciler");
  return value;
}
