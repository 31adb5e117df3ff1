/**
 * The API calls of the webhook process, found in its source (webhooks/,
 * certs/ and the informer it runs), each mapped to the RBAC permission it
 * needs. A call of a client method that is not in CLIENT_METHODS fails the
 * scan, so a new call cannot slip past the RBAC test unnoticed.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

const ROOT = new URL("../../../", import.meta.url).pathname;

/** Client method → the permission it needs (`group/resource: verb`). */
const CLIENT_METHODS: Record<string, string> = {
  listClusterCustomObject: "discourse.cern/discourses: list",
  readSecretMetadata: "core/secrets: get",
  readNamespacedSecret: "core/secrets: get",
  createNamespacedSecret: "core/secrets: create",
  replaceNamespacedSecret: "core/secrets: update",
  readValidatingWebhookConfiguration: "admissionregistration.k8s.io/validatingwebhookconfigurations: get",
  patchValidatingWebhookConfiguration: "admissionregistration.k8s.io/validatingwebhookconfigurations: patch",
  createValidatingWebhookConfiguration: "admissionregistration.k8s.io/validatingwebhookconfigurations: create",
  replaceValidatingWebhookConfiguration: "admissionregistration.k8s.io/validatingwebhookconfigurations: update",
  readMutatingWebhookConfiguration: "admissionregistration.k8s.io/mutatingwebhookconfigurations: get",
  patchMutatingWebhookConfiguration: "admissionregistration.k8s.io/mutatingwebhookconfigurations: patch",
  createMutatingWebhookConfiguration: "admissionregistration.k8s.io/mutatingwebhookconfigurations: create",
  replaceMutatingWebhookConfiguration: "admissionregistration.k8s.io/mutatingwebhookconfigurations: update",
  getAPIVersions: "discovery",
};

/**
 * Calls that only `registerWebhooks` makes, in url mode on a developer's
 * machine, with the developer's own kubeconfig (never in a cluster, where
 * manifests/webhook/ installs the configurations and the webhook only patches
 * their caBundle).
 */
const DEVELOPER_ONLY = new Set(["createValidatingWebhookConfiguration", "replaceValidatingWebhookConfiguration", "createMutatingWebhookConfiguration", "replaceMutatingWebhookConfiguration"]);

export interface ApiCall {
  file: string;
  method: string;
  permission: string;
  developerOnly: boolean;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

/**
 * Every client call of the webhook process, plus the list and watch of the
 * Discourse informer (reconciler/informer/informer.ts, which cached-facts.ts starts).
 * @throws Error naming a client method (`<verb>Namespaced…`, `<verb>Cluster…`, `…WebhookConfiguration`) the map does not know.
 */
export function webhookApiCalls(): ApiCall[] {
  const calls: ApiCall[] = [];
  for (const file of [...sources(join(ROOT, "webhooks")), ...sources(join(ROOT, "certs"))]) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/\.(\w+)\(/g)) {
      const method = m[1] ?? "";
      const known = Object.hasOwn(CLIENT_METHODS, method) ? CLIENT_METHODS[method] : undefined;
      if (known === undefined) {
        if (/^(read|list|create|replace|patch|delete|watch)(Namespaced|Cluster)|WebhookConfiguration$/.test(method)) {
          throw new Error(`${file}: client method ${method} is not mapped to a permission in webhook-calls.ts`);
        }
        continue;
      }
      if (known === "discovery") continue;
      calls.push({ file, method, permission: known, developerOnly: DEVELOPER_ONLY.has(method) });
    }
  }
  const informer = readFileSync(join(ROOT, "webhooks/facts/cached-facts.ts"), "utf8").includes("new Informer(");
  if (informer) {
    for (const verb of ["list", "watch"]) {
      calls.push({ file: "reconciler/informer/informer.ts", method: verb, permission: `discourse.cern/discourses: ${verb}`, developerOnly: false });
    }
  }
  return calls;
}
