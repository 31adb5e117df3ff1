/**
 * Apply or delete every child of the desired state, in the builders' order
 * (config, storage, backends, migrations, workloads, services, exposure,
 * policies). A failure of one child does not stop the others; the failures
 * are returned together so the reconcile is retried with backoff.
 */
import type { DesiredChild } from "../builders/index.js";
import { applyChild, deleteChild, type ApplyContext, type ChildAction } from "../apply/apply-child.js";
import { describeError, type KubeObject } from "../client/kube-client.js";

export interface ChildrenResult {
  actions: ChildAction[];
  /** One line per failed child, without secret values; undefined when all succeeded. */
  error?: string;
}

async function one(ctx: ApplyContext, child: DesiredChild, namespace: string): Promise<ChildAction> {
  if (!child.object) {
    return deleteChild(ctx, { apiVersion: child.apiVersion, kind: child.kind, namespace, name: child.name }, "no longer wanted by the spec");
  }
  const desired = child.object as unknown as KubeObject;
  return applyChild(ctx, desired, { adoptOnly: child.mode === "patchIfExists", createOnly: child.mode === "create" });
}

/** Runs every child; never throws. */
export async function applyChildren(ctx: ApplyContext, children: DesiredChild[]): Promise<ChildrenResult> {
  const namespace = ctx.owner.metadata.namespace ?? "";
  const actions: ChildAction[] = [];
  const failures: string[] = [];
  for (const child of children) {
    try {
      actions.push(await one(ctx, child, namespace));
    } catch (err) {
      failures.push(`${child.kind} ${child.name}: ${describeError(err)}`);
    }
  }
  return { actions, ...(failures.length > 0 ? { error: failures.join("; ") } : {}) };
}
