/** `discourse-operator webhook`: the admission webhooks alone. */
import { Command } from "commander";
import { WEBHOOK_PORT } from "../api/constants.js";
import { onShutdown, startProbes, startWebhookComponent, type WebhookFlags } from "./components.js";
import { kubeConfigFrom, parsePort } from "./options.js";

export function webhookCommand(): Command {
  return new Command("webhook")
    .description("Serve the validating and mutating admission webhooks over HTTPS")
    .option("--kubeconfig <file>", "kubeconfig (default: KUBECONFIG, ~/.kube/config, in-cluster)")
    .option("--webhook-port <port>", "HTTPS port", parsePort, WEBHOOK_PORT)
    .option("--cert-secret <name>", "keep the CA and serving certificate in this Secret of the pod's namespace (in a cluster)")
    .option("--cert-dir <dir>", "keep the CA and serving certificate in this folder (local runs)", "certs/local")
    .option("--url-host <host>", "register the webhook configurations in url mode at https://<host>:<port> (webhook outside the cluster)")
    .option("--metrics-bind-address <addr>", "plain-HTTP /healthz, /readyz, /metrics; 0 disables", "0")
    .option("--client-ca <file>", "PEM CA of the apiserver's webhook client certificate: only callers it signed create Secrets (docs/admission-callers.md)")
    .option("--client-cn <names>", "comma-separated common names accepted from --client-ca (default: any)")
    .option("--trust-network", "take every caller as the apiserver: only with a NetworkPolicy that lets only the control plane reach the port", false)
    .action(async (opts: WebhookFlags & { kubeconfig?: string; certDir: string; metricsBindAddress: string }) => {
      const kc = await kubeConfigFrom(opts);
      const webhook = await startWebhookComponent(kc, opts);
      const probes = await startProbes(opts.metricsBindAddress, () => webhook.ready());
      onShutdown(async () => {
        probes?.close();
        await webhook.close();
      });
    });
}
