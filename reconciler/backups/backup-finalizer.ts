/** The finalizer list of a DiscourseBackup, written with the resourceVersion it was computed from (a race fails with 409 and is retried). */
import type { KubeObject } from "../client/kube-client.js";
import type { BackupContext } from "./context.js";

/** Sets `metadata.finalizers`; @returns the stored object (also put into the cache). */
export async function setBackupFinalizers(ctx: BackupContext, obj: KubeObject, finalizers: string[]): Promise<KubeObject> {
  const ref = { apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name };
  const stored = await ctx.client.mergePatch(ref, { metadata: { finalizers, resourceVersion: obj.metadata.resourceVersion } });
  const full = { ...stored, apiVersion: obj.apiVersion, kind: obj.kind };
  ctx.backups.setIfNewer(full);
  return full;
}
