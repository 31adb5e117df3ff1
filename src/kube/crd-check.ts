/**
 * Whether the cluster serves the operator's API, and what to tell a user whose cluster does
 * not. The reconciler watches both kinds (Discourse, DiscourseBackup: reconciler/controller.ts
 * and reconciler/backups/backup-controller.ts); without a CRD every list of its objects
 * answers HTTP 404, and a reconciler started anyway would retry it forever.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { KubeClient } from "../../reconciler/client/kube-client.js";
import type { ClusterAccess } from "./cluster-access.js";
import { API_VERSION, CRD_NAME, KIND, PLURAL } from "../api/constants.js";
import { BACKUP_CRD_NAME, BACKUP_KIND, BACKUP_PLURAL } from "../api/backup-constants.js";

/** One CRD the operator needs: its kind, its name (`<plural>.<group>`) and the plural discovery lists. */
export interface RequiredCrd {
  kind: string;
  name: string;
  plural: string;
}

/** The CRDs the reconciler watches, in the order the message names them. */
export const REQUIRED_CRDS: readonly RequiredCrd[] = [
  { kind: KIND, name: CRD_NAME, plural: PLURAL },
  { kind: BACKUP_KIND, name: BACKUP_CRD_NAME, plural: BACKUP_PLURAL },
];

/**
 * The required CRDs the cluster does not serve (discovery of `discourse.cern/v1alpha1`: a CRD
 * is listed there once it is Established).
 * @returns the missing ones, in REQUIRED_CRDS order; empty when both are served.
 * @throws the API error of a failed discovery request other than HTTP 404.
 */
export async function missingCrds(kc: ClusterAccess | KubeConfig): Promise<RequiredCrd[]> {
  const served = new Set(await new KubeClient(kc).servedResources(API_VERSION));
  return REQUIRED_CRDS.filter((c) => !served.has(c.plural));
}

/**
 * The message for a cluster without some of the CRDs: which ones, and what to run, exactly.
 * @param missing - from `missingCrds`, not empty.
 * @param withInstallFlag - the command has --install.
 */
export function crdMissingMessage(kc: ClusterAccess | KubeConfig, missing: readonly RequiredCrd[], withInstallFlag: boolean): string {
  const where = "prepare" in kc ? kc.server : `${kc.getCurrentCluster()?.server ?? "the current cluster"} (context ${kc.getCurrentContext()})`;
  const names = missing.map((c) => `the ${c.kind} CRD (${c.name})`).join(" and ");
  const one = missing.length === 1;
  return [
    `${names} ${one ? "is" : "are"} not installed in ${where}: the reconciler watches Discourse and DiscourseBackup objects. Install ${one ? "it" : "them"}, then start again:`,
    "  kubectl apply -k manifests/                  # the whole operator: CRDs, RBAC, webhooks, reconciler",
    "  npx discourse-operator install --crd-only    # only the CRDs (from a checkout: npm run cli -- install --crd-only)",
    ...(withInstallFlag ? ["or start with --install (npm start -- --install): installs the CRDs and registers the webhooks in url mode"] : []),
  ].join("\n");
}
