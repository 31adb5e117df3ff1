/**
 * `discourse-operator run`: webhooks and reconciler in one process, for local
 * use. With --local-if-no-cluster (what `npm start` passes) and no cluster
 * configured, it first starts the local control plane (the embedded default)
 * and installs the CRD and the webhook configurations (url mode) into it.
 * Against a configured cluster without the CRD it says what to run and exits 1,
 * unless --install asks it to install the CRD.
 */
import { Command } from "commander";
import type { KubeConfig } from "@kubernetes/client-node";
import { MUTATING_CONFIGURATION_NAME, VALIDATING_CONFIGURATION_NAME, WEBHOOK_PORT } from "../api/constants.js";
import type { LocalCluster } from "../envtest/cluster.js";
import { clusterConfigured } from "../kube/config.js";
import { logger } from "../log.js";
import { readFileSync } from "node:fs";
import type { CallerPolicy } from "../../webhooks/server/callers.js";
import { onShutdown, startProbes, startReconcilerComponent, startWebhookComponent, type WebhookFlags } from "./components.js";
import { kubeConfigFrom, parsePort } from "./options.js";
import { withReconcilerOptions, type ReconcilerCliOptions } from "./reconciler.js";

interface RunOptions extends ReconcilerCliOptions, WebhookFlags {
  localIfNoCluster: boolean;
  install: boolean;
  webhookPort: number;
  certDir: string;
}

/**
 * With the webhook registered in url mode on this machine, the apiserver is
 * the local control plane (or one configured like it): its webhook client
 * certificate is signed by the cluster's CA with the CN of
 * src/envtest/admission-client.ts. An apiserver that presents none only
 * loses the webhook's side effects (the reconciler generates the credentials).
 */
async function localApiserverCallers(kc: KubeConfig): Promise<CallerPolicy | undefined> {
  const cluster = kc.getCurrentCluster();
  const ca = cluster?.caData ? Buffer.from(cluster.caData, "base64").toString("utf8") : cluster?.caFile ? readFileSync(cluster.caFile, "utf8") : "";
  if (!ca) return undefined;
  const { ADMISSION_CLIENT_CN } = await import("../envtest/admission-client.js");
  return { mode: "client-certificate", ca, commonNames: [ADMISSION_CLIENT_CN] };
}

async function connect(opts: RunOptions): Promise<{ kc: KubeConfig; local: LocalCluster | null }> {
  if (opts.kubeconfig || clusterConfigured() || !opts.localIfNoCluster) return { kc: await kubeConfigFrom(opts), local: null };
  logger.info("no cluster configured (no KUBECONFIG, no ~/.kube/config): starting the local control plane");
  const { startOrReuseLocalCluster } = await import("../envtest/cluster.js");
  const local = await startOrReuseLocalCluster();
  logger.info(
    { kubeconfig: local.kubeconfigPath },
    `local control plane ${local.owned ? "started" : "reused"}; in another terminal: export KUBECONFIG=${local.kubeconfigPath}`,
  );
  const { KubeConfig } = await import("@kubernetes/client-node");
  const kc = new KubeConfig();
  kc.loadFromFile(local.kubeconfigPath);
  return { kc, local };
}

async function removeUrlModeConfigurations(kc: KubeConfig): Promise<void> {
  const { AdmissionregistrationV1Api } = await import("@kubernetes/client-node");
  const api = kc.makeApiClient(AdmissionregistrationV1Api);
  await api.deleteValidatingWebhookConfiguration({ name: VALIDATING_CONFIGURATION_NAME }).catch(() => undefined);
  await api.deleteMutatingWebhookConfiguration({ name: MUTATING_CONFIGURATION_NAME }).catch(() => undefined);
}

export function runCommand(): Command {
  return withReconcilerOptions(
    new Command("run")
      .description("Run the webhooks and the reconciler in one process (local use)")
      .option("--kubeconfig <file>", "kubeconfig (default: KUBECONFIG, ~/.kube/config)")
      .option("--local-if-no-cluster", "start the local control plane when no cluster is configured", false)
      .option("--install", "install the CRD and register the webhooks in url mode (implied on the local control plane)", false)
      .option("--webhook-port <port>", "HTTPS port of the webhooks", parsePort, WEBHOOK_PORT)
      .option("--cert-dir <dir>", "folder keeping the webhook's CA and certificate", "certs/local")
      .option("--client-ca <file>", "PEM CA of the apiserver's webhook client certificate (default with --install: the cluster's CA, CN of the local control plane)")
      .option("--client-cn <names>", "comma-separated common names accepted from --client-ca (default: any)")
      .option("--trust-network", "take every caller as the apiserver (the port must be reachable by the control plane only)", false),
  )
    .option("--metrics-bind-address <addr>", "plain-HTTP /healthz, /readyz, /metrics; 0 disables", "0")
    .action(async (opts: RunOptions) => {
      const { kc, local } = await connect(opts);
      const install = opts.install || local !== null;
      if (install) {
        const { installCrd } = await import("../kube/install.js");
        await installCrd(kc);
        logger.info("installed the Discourse CRD and the DiscourseBackup CRD");
      } else {
        const { crdMissingMessage, missingCrds } = await import("../kube/crd-check.js");
        const missing = await missingCrds(kc);
        if (missing.length > 0) throw new Error(crdMissingMessage(kc, missing, true));
      }
      const fallback = install ? await localApiserverCallers(kc) : undefined;
      const webhook = await startWebhookComponent(kc, { ...opts, ...(install ? { urlHost: "127.0.0.1" } : {}) }, fallback);
      const reconciler = await startReconcilerComponent(kc, opts);
      let ready = false;
      void reconciler.ready.then(() => {
        ready = true;
        logger.info("operator ready: webhooks serving, reconciler watching");
      });
      const probes = await startProbes(opts.metricsBindAddress, () => ready && webhook.ready(), reconciler);
      onShutdown(async () => {
        probes?.close();
        await reconciler.stop();
        await webhook.close();
        if (install) await removeUrlModeConfigurations(kc);
        await local?.stop();
      });
    });
}
