/**
 * Whether the cluster serves the Discourse API, and what to tell a user whose
 * cluster does not: without the CRD every list of Discourse objects answers
 * HTTP 404, and a reconciler started anyway would retry it forever.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { KubeClient } from "../../reconciler/client/kube-client.js";
import type { ClusterAccess } from "./cluster-access.js";
import { API_VERSION, CRD_NAME } from "../api/constants.js";

/** @returns true when `discourse.cern/v1alpha1` is served (the CRD is installed and Established). */
export async function discourseApiServed(kc: ClusterAccess | KubeConfig): Promise<boolean> {
  return new KubeClient(kc).serves(API_VERSION);
}

/** The message for a cluster without the CRD: what to run, exactly. `withInstallFlag`: the command has --install. */
export function crdMissingMessage(kc: ClusterAccess | KubeConfig, withInstallFlag: boolean): string {
  const where = "prepare" in kc ? kc.server : `${kc.getCurrentCluster()?.server ?? "the current cluster"} (context ${kc.getCurrentContext()})`;
  return [
    `the Discourse CRD (${CRD_NAME}) is not installed in ${where}: nothing to reconcile. Install it, then start again:`,
    "  kubectl apply -k manifests/                  # the whole operator: CRD, RBAC, webhooks, reconciler",
    "  npx discourse-operator install --crd-only    # only the CRD (from a checkout: npm run cli -- install --crd-only)",
    ...(withInstallFlag ? ["or start with --install (npm start -- --install): installs the CRD and registers the webhooks in url mode"] : []),
  ].join("\n");
}
