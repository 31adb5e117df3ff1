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
import { APPLIED_HASH_ANNOTATION, appliedHash } from "../apply/applied-hash.js";
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

/** Labels and annotations a new operator Secret is created with (see {@link creationMetadata}). */
export interface CreationMetadata {
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/**
 * What a new operator Secret can carry from its first create so that its adoption
 * finds nothing to write (one write instead of two for a new forum): the adoption's
 * labels and the digest the reconciler marks an applied object with
 * (reconciler/apply/applied-hash.ts). Only when the adoption has no owner reference
 * (`deletionPolicy: Retain`), else null and the adoption applies the metadata after the
 * create. The reason is server-side apply's field ownership
 * (https://kubernetes.io/docs/reference/using-api/server-side-apply/#field-management):
 * the fields a create sets belong to an Update entry, which a later apply cannot
 * remove. The labels and the digest are never removed (the digest only changes value,
 * which the forced apply takes over); the owner reference must go when the policy turns
 * from Delete to Retain, so only an apply ever sets it.
 *
 * @param adoption - from buildCredentialsSecretAdoption or buildAppSecretsAdoption.
 */
export function creationMetadata(adoption: SecretAdoption): CreationMetadata | null {
  if ((adoption.metadata.ownerReferences?.length ?? 0) > 0) return null;
  return { labels: { ...(adoption.metadata.labels ?? {}) }, annotations: { [APPLIED_HASH_ANNOTATION]: appliedHash(adoption) } };
}
