/** `discourse-operator install`: the CRDs (Discourse, DiscourseBackup) and the webhook configurations into the current cluster. */
import { Command } from "commander";
import { OPERATOR_NAMESPACE, WEBHOOK_PORT } from "../api/constants.js";
import { kubeConfigFrom, parsePort } from "./options.js";

interface InstallOptions {
  kubeconfig?: string;
  urlHost?: string;
  webhookPort: number;
  certDir: string;
  namespace: string;
  crdOnly: boolean;
}

export function installCommand(): Command {
  return new Command("install")
    .description("Install the CRDs (Discourse, DiscourseBackup) and the webhook configurations (with their caBundle) into the current cluster")
    .option("--kubeconfig <file>", "kubeconfig (default: KUBECONFIG, ~/.kube/config)")
    .option("--url-host <host>", "url mode: the webhook runs outside the cluster at https://<host>:<port> (e.g. 127.0.0.1)")
    .option("--webhook-port <port>", "the webhook's HTTPS port (url mode)", parsePort, WEBHOOK_PORT)
    .option("--cert-dir <dir>", "url mode: the folder with the webhook's CA (created when missing)", "certs/local")
    .option("--namespace <ns>", "service mode: namespace of the webhook Service", OPERATOR_NAMESPACE)
    .option("--crd-only", "install only the CRDs", false)
    .action(async (opts: InstallOptions) => {
      const [{ FolderCertificateStore }, { defaultCertificateOptions }, { loadOrCreateCertificates }, { serviceEndpoint, urlEndpoint }, { installCrd, installWebhookConfigurations }, { WEBHOOK_SERVICE_PORT }] =
        await Promise.all([
          import("../../certs/folder-store.js"),
          import("../../certs/dns-names.js"),
          import("../../certs/rotation.js"),
          import("../../webhooks/configurations/build-configurations.js"),
          import("../kube/install.js"),
          import("../manifests/webhook-files.js"),
        ]);
      const kc = await kubeConfigFrom(opts);
      await installCrd(kc);
      console.log("customresourcedefinitions discourses.discourse.cern and discoursebackups.discourse.cern installed (Established)");
      if (opts.crdOnly) return;
      const endpoint = opts.urlHost ? urlEndpoint(opts.webhookPort, opts.urlHost) : serviceEndpoint(opts.namespace, WEBHOOK_SERVICE_PORT);
      // url mode: the CA of the local certificate folder the webhook will serve from.
      // service mode: the webhook injects its own CA at startup; register with an empty bundle until then.
      const caBundle = opts.urlHost
        ? (await loadOrCreateCertificates(new FolderCertificateStore(opts.certDir), defaultCertificateOptions())).stored.set.caBundle
        : "";
      await installWebhookConfigurations(kc, endpoint, caBundle);
      console.log(`webhook configurations installed (${opts.urlHost ? `url mode, https://${opts.urlHost}:${opts.webhookPort}` : `service mode, ${opts.namespace}`})`);
    });
}
