/**
 * Certificates in a Secret of type kubernetes.io/tls (tls.crt, tls.key, plus
 * ca.crt, ca.key and ca-bundle.crt), so every replica and every restart
 * serves the same certificate. Writes use the resourceVersion the set was
 * read at: two replicas renewing at once cannot overwrite each other.
 */
import type { CoreV1Api, V1Secret } from "@kubernetes/client-node";
import { LABEL_MANAGED_BY, MANAGED_BY, OPERATOR_NAMESPACE, WEBHOOK_SERVICE_NAME } from "../src/api/constants.js";
import { apiErrorCode } from "../src/kube/errors.js";
import { STORE_KEYS, setFromEntries, type CertificateStore, type StoredCertificates } from "./store.js";
import type { CertificateSet } from "./types.js";

/** Name the manifests (manifests/rbac/webhook-role.yaml) grant the webhook access to. */
export const DEFAULT_CERT_SECRET = `${WEBHOOK_SERVICE_NAME}-cert`;

export type SecretClient = Pick<CoreV1Api, "readNamespacedSecret" | "createNamespacedSecret" | "replaceNamespacedSecret">;

export class SecretCertificateStore implements CertificateStore {
  readonly location: string;

  constructor(
    private readonly api: SecretClient,
    private readonly namespace: string = OPERATOR_NAMESPACE,
    private readonly name: string = DEFAULT_CERT_SECRET,
  ) {
    this.location = `Secret ${namespace}/${name}`;
  }

  async load(): Promise<StoredCertificates | null> {
    let secret: V1Secret;
    try {
      secret = await this.api.readNamespacedSecret({ namespace: this.namespace, name: this.name });
    } catch (err) {
      if (apiErrorCode(err) === 404) return null;
      throw new Error(`reading ${this.location} failed with HTTP ${apiErrorCode(err) ?? "error"}`);
    }
    const data = secret.data ?? {};
    const set = setFromEntries((k) => (data[k] === undefined ? undefined : Buffer.from(data[k], "base64").toString("utf8")));
    return set ? { set, version: secret.metadata?.resourceVersion ?? "" } : null;
  }

  async save(set: CertificateSet, expectedVersion: string | null): Promise<string | null> {
    const body = this.secret(set, expectedVersion);
    try {
      const saved =
        expectedVersion === null
          ? await this.api.createNamespacedSecret({ namespace: this.namespace, body })
          : await this.api.replaceNamespacedSecret({ namespace: this.namespace, name: this.name, body });
      return saved.metadata?.resourceVersion ?? "";
    } catch (err) {
      const code = apiErrorCode(err);
      if (code === 409) return null;
      throw new Error(`writing ${this.location} failed with HTTP ${code ?? "error"}`);
    }
  }

  private secret(set: CertificateSet, resourceVersion: string | null): V1Secret {
    const data: Record<string, string> = {};
    for (const [field, key] of Object.entries(STORE_KEYS) as [keyof CertificateSet, string][]) {
      data[key] = Buffer.from(set[field], "utf8").toString("base64");
    }
    return {
      apiVersion: "v1",
      kind: "Secret",
      type: "kubernetes.io/tls",
      metadata: {
        name: this.name,
        namespace: this.namespace,
        labels: { [LABEL_MANAGED_BY]: MANAGED_BY },
        ...(resourceVersion ? { resourceVersion } : {}),
      },
      data,
    };
  }
}
