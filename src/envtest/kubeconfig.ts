/** The admin kubeconfig of a local control plane, with its certificates embedded. */
import { stringify } from "yaml";

const b64 = (pem: string): string => Buffer.from(pem).toString("base64");

/**
 * @param server - https URL of the kube-apiserver, e.g. https://127.0.0.1:40123
 * @returns kubeconfig YAML for context `envtest`, user `admin` (system:masters).
 */
export function adminKubeconfig(server: string, caCert: string, clientCert: string, clientKey: string): string {
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "envtest", cluster: { server, "certificate-authority-data": b64(caCert) } }],
    users: [{ name: "admin", user: { "client-certificate-data": b64(clientCert), "client-key-data": b64(clientKey) } }],
    contexts: [{ name: "envtest", context: { cluster: "envtest", user: "admin", namespace: "default" } }],
    "current-context": "envtest",
  });
}
