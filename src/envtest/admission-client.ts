/**
 * How the local kube-apiserver authenticates to admission webhooks: a client
 * certificate (CN {@link ADMISSION_CLIENT_CN}, signed by the control plane's
 * CA) given to the ValidatingAdmissionWebhook and MutatingAdmissionWebhook
 * plugins through `--admission-control-config-file`: an AdmissionConfiguration
 * whose WebhookAdmissionConfiguration names a kubeconfig with that certificate
 * for every webhook host (`*`), as "Authenticate apiservers" describes
 * (https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#authenticate-apiservers).
 * The webhook verifies it (webhooks/server/callers.ts, `--client-ca`), so only
 * the apiserver's requests cause side effects.
 *
 * Kept apart from launcher.ts, which only adds the arguments this returns.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { generate } from "selfsigned";
import type { ControlPlanePki } from "./pki.js";

/** Common name of the certificate kube-apiserver presents to webhooks. */
export const ADMISSION_CLIENT_CN = "kube-apiserver-admission-client";

const b64 = (pem: string): string => Buffer.from(pem, "utf8").toString("base64");

/** The kubeconfig of WebhookAdmission: the client certificate for every webhook host. */
export function webhookClientKubeconfig(cert: string, key: string): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    users: [{ name: "*", user: { "client-certificate-data": b64(cert), "client-key-data": b64(key) } }],
  });
}

/** The AdmissionConfiguration pointing both webhook plugins at `kubeconfigPath`. */
export function admissionConfiguration(kubeconfigPath: string): string {
  const webhook = { apiVersion: "apiserver.config.k8s.io/v1", kind: "WebhookAdmissionConfiguration", kubeConfigFile: kubeconfigPath };
  return JSON.stringify({
    apiVersion: "apiserver.config.k8s.io/v1",
    kind: "AdmissionConfiguration",
    plugins: [
      { name: "ValidatingAdmissionWebhook", configuration: webhook },
      { name: "MutatingAdmissionWebhook", configuration: webhook },
    ],
  });
}

/**
 * Writes the client certificate, its kubeconfig and the AdmissionConfiguration
 * into `dir` and returns the kube-apiserver arguments that use them.
 * @param pki - the control plane's PKI (its CA signs the client certificate).
 */
export async function admissionClientArgs(dir: string, pki: ControlPlanePki): Promise<string[]> {
  const client = await generate([{ name: "commonName", value: ADMISSION_CLIENT_CN }], {
    keyType: "ec",
    algorithm: "sha256",
    notBeforeDate: new Date(Date.now() - 60_000),
    notAfterDate: new Date(Date.now() + 30 * 24 * 3600 * 1000),
    ca: { key: pki.caKey, cert: pki.caCert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", clientAuth: true },
    ],
  });
  const kubeconfig = join(dir, "admission-webhook-client.kubeconfig");
  const config = join(dir, "admission-configuration.json");
  writeFileSync(kubeconfig, webhookClientKubeconfig(client.cert, client.private), { mode: 0o600 });
  writeFileSync(config, admissionConfiguration(kubeconfig), { mode: 0o600 });
  return [`--admission-control-config-file=${config}`];
}
