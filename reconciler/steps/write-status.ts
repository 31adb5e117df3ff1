/**
 * Status is written last, through the status subresource, and only when it
 * changed: an unchanged forum costs no write.
 */
import type { DiscourseStatus } from "../../src/api/types.js";
import type { KubeObject } from "../client/kube-client.js";
import type { ReconcileContext } from "./context.js";

/** JSON with object keys sorted, so key order does not count as a change. */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (typeof v === "object" && v !== null) {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => `${JSON.stringify(k)}:${stableJson(x)}`).join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}

/** @returns true when a write was sent. */
export async function writeStatus(ctx: ReconcileContext, obj: KubeObject, status: DiscourseStatus): Promise<boolean> {
  if (stableJson(obj.status ?? {}) === stableJson(status)) return false;
  const ref = { apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name };
  const stored = await ctx.client.mergePatch(ref, { status }, "status");
  ctx.discourses.setIfNewer({ ...stored, apiVersion: obj.apiVersion, kind: obj.kind });
  return true;
}
