/**
 * Adoption of the operator's Secrets: the database credentials Secret and
 * `<name>-app-secrets`. The webhook or the reconciler's secrets step
 * (reconciler/steps/secrets.ts) creates them with their data; the builders only
 * describe the metadata the reconciler keeps on them, applied as a metadata-only
 * server-side apply patch, so `data` is never sent, read into the desired state, or
 * logged. Only a Secret the operator made for this forum is adopted (API.md, "Secrets:
 * which the operator owns"); the secrets step leaves every other one out.
 */
import type { V1ObjectMeta } from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { COMPONENTS, retainableMeta, type Component } from "./metadata.js";
import { appSecretsName } from "./names.js";

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

function adoption(obj: DefaultedDiscourse, component: Component, name: string): SecretAdoption {
  return { apiVersion: "v1", kind: "Secret", metadata: retainableMeta(obj, component, name) };
}

/**
 * The patch that adopts the credentials Secret: name, namespace, the four recommended
 * labels (component `database`) and, under `deletionPolicy: Delete` only, the controller
 * owner reference. Apply it only to a Secret this forum owns; never create the Secret from it.
 */
export function buildCredentialsSecretAdoption(obj: DefaultedDiscourse): SecretAdoption {
  return adoption(obj, COMPONENTS.database, credentialsSecretName(obj));
}

/** The same for `<name>-app-secrets` (component `app-secrets`). */
export function buildAppSecretsAdoption(obj: DefaultedDiscourse): SecretAdoption {
  return adoption(obj, COMPONENTS.appSecrets, appSecretsName(obj));
}
