/**
 * Status is written last, through the status subresource, and only when it
 * changed: an unchanged forum costs no write.
 */
import type { DiscourseStatus } from "../../src/api/types.js";
import { canonicalJson } from "../builders/app-code.js";
import type { KubeObject } from "../client/kube-client.js";
import type { ReconcileContext } from "./context.js";

/** @returns true when a write was sent. */
export async function writeStatus(ctx: ReconcileContext, obj: KubeObject, status: DiscourseStatus): Promise<boolean> {
  if (canonicalJson(obj.status ?? {}) === canonicalJson(status)) return false;
  const ref = { apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name };
  const stored = await ctx.client.mergePatch(ref, { status }, "status");
  ctx.discourses.setIfNewer({ ...stored, apiVersion: obj.apiVersion, kind: obj.kind });
  return true;
}
