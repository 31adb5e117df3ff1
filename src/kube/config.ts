/**
 * Loading a kubeconfig the way kubectl does: --kubeconfig, then KUBECONFIG,
 * then ~/.kube/config, then the in-cluster service account. The library is
 * loaded on first use only (it costs about 70 MiB of resident memory; the
 * reconciler uses src/kube/cluster-access.ts instead).
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * Whether a cluster is configured for this process (KUBECONFIG set, a
 * ~/.kube/config file, or running in a pod).
 */
export function clusterConfigured(): boolean {
  if (process.env.KUBECONFIG) return true;
  if (existsSync(join(homedir(), ".kube", "config"))) return true;
  return Boolean(process.env.KUBERNETES_SERVICE_HOST);
}

/**
 * @param path - explicit kubeconfig file; when absent, the default rules apply.
 * @throws Error when no cluster can be found.
 */
export async function loadKubeConfig(path?: string): Promise<KubeConfig> {
  const { KubeConfig } = await import("@kubernetes/client-node");
  const kc = new KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
  if (!kc.getCurrentCluster()) throw new Error("no Kubernetes cluster configured: set KUBECONFIG or pass --kubeconfig");
  return kc;
}
