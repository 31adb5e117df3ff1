/**
 * Adoption of the database credentials Secret. The mutating webhook (or the user) creates
 * the Secret and its data; the reconciler only claims it: labels and controller owner
 * reference, applied as a metadata-only server-side apply patch, so `data` is never
 * sent, read into the desired state, or logged.
 */
import type { V1ObjectMeta } from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { childMeta, COMPONENTS } from "./metadata.js";

/** A metadata-only Secret apply configuration (no `type`, no `data`). */
export interface SecretAdoption {
  apiVersion: "v1";
  kind: "Secret";
  metadata: V1ObjectMeta;
}

/** Name of the credentials Secret: `spec.database.credentialsSecret` (defaults to `<name>-db-credentials`). */
export function credentialsSecretName(obj: DefaultedDiscourse): string {
  return obj.spec.database.credentialsSecret;
}

/**
 * The patch that adopts the existing credentials Secret: name, namespace, the four
 * recommended labels (component `database`) and the controller owner reference.
 * Apply it only when the Secret exists; never create the Secret from it.
 */
export function buildCredentialsSecretAdoption(obj: DefaultedDiscourse): SecretAdoption {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: childMeta(obj, COMPONENTS.database, credentialsSecretName(obj)),
  };
}
