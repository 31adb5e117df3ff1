/**
 * Whether the forum runs on OpenShift, where the `restricted-v2` SCC admits pods: the
 * runtime's fact `opts.openShift` (reconcile.ts: the cluster serves
 * `route.openshift.io/v1`) when it passes one, else `spec.ingress.kind: Route` (the
 * webhook defaults the kind to Route exactly when the cluster serves that API, API.md).
 */
import type { DefaultedDiscourse } from "../../src/api/types.js";
import type { BuildOptions } from "./options.js";

export function isOpenShift(obj: DefaultedDiscourse, opts: BuildOptions): boolean {
  return opts.openShift ?? obj.spec.ingress.kind === "Route";
}
