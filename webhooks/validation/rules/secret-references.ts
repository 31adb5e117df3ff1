/**
 * Warnings for referenced Secrets that do not exist (yet): the object is still
 * admitted, since Secrets are often created after it (GitOps ordering), but
 * the user learns why the forum will not start. The credentials Secret is not
 * warned about on CREATE (the mutating webhook generates it), nor the default
 * TLS Secret `<name>-tls` (typically issued by cert-manager later).
 */
import { LABEL_INSTANCE, LABEL_MANAGED_BY, MANAGED_BY } from "../../../src/api/constants.js";
import type { Discourse } from "../../../src/api/types.js";
import { credentialsSecretNameFor, tlsSecretNameFor } from "../../defaulting/derived-names.js";
import { forbidden } from "../field-error.js";
import { OK, errorsOf, isRecord, nameOf, namespaceOf, resultOf, warningsOf, type Operation, type ValidationFacts, type ValidationResult } from "../types.js";

interface SecretReference {
  field: string;
  name: string;
}

function envSecretReferences(obj: Discourse): SecretReference[] {
  const env: unknown = obj.spec?.env;
  if (!Array.isArray(env)) return [];
  return env.flatMap((e: unknown, i): SecretReference[] => {
    const ref = isRecord(e) && isRecord(e.valueFrom) ? e.valueFrom.secretKeyRef : undefined;
    if (!isRecord(ref) || typeof ref.name !== "string" || ref.optional === true) return [];
    return [{ field: `spec.env[${i}].valueFrom.secretKeyRef.name`, name: ref.name }];
  });
}

const ref = (field: string, name: unknown): SecretReference[] =>
  typeof name === "string" && name !== "" ? [{ field, name }] : [];

/** The credentials Secret: generated on CREATE, so only checked on UPDATE. */
function credentialsReference(obj: Discourse, operation: Operation): SecretReference[] {
  if (operation !== "UPDATE") return [];
  return ref("spec.database.credentialsSecret", obj.spec?.database?.credentialsSecret ?? credentialsSecretNameFor(nameOf(obj)));
}

/** The TLS Secret, when the forum is exposed and the name is not the default `<name>-tls`. */
function tlsReference(obj: Discourse): SecretReference[] {
  const ingress = obj.spec?.ingress;
  if (ingress?.enabled === false || ingress?.tlsSecretName === tlsSecretNameFor(nameOf(obj))) return [];
  return ref("spec.ingress.tlsSecretName", ingress?.tlsSecretName);
}

/** The Secrets the object names, with the field naming each. */
export function secretReferences(obj: Discourse, operation: Operation): SecretReference[] {
  const spec = obj.spec;
  return [
    ...credentialsReference(obj, operation),
    ...ref("spec.database.adminSecret", spec?.database?.adminSecret),
    ...ref("spec.redis.passwordSecret.name", spec?.redis?.passwordSecret?.name),
    ...ref("spec.smtp.passwordSecret.name", spec?.smtp?.passwordSecret?.name),
    ...tlsReference(obj),
    ...envSecretReferences(obj),
  ];
}

/**
 * Warns for each referenced Secret missing from facts.existingSecrets; gives
 * no warning when the Secrets are not known (offline).
 */
export function warnMissingSecrets(obj: Discourse, facts: ValidationFacts, operation: Operation): ValidationResult {
  const existing = facts.existingSecrets;
  if (!existing) return warningsOf();
  const namespace = namespaceOf(obj);
  const missing = secretReferences(obj, operation)
    .filter((ref) => !existing.has(ref.name))
    .map((ref) => `${ref.field}: Secret "${ref.name}" does not exist yet in namespace "${namespace}"`);
  return resultOf([], missing);
}

/**
 * spec.database.credentialsSecret never names a Secret the operator made for
 * another forum (labelled managed-by discourse-operator and instance of
 * another name): shared/API.md, "A Secret the operator made for one forum is
 * never taken by another forum". Decided from the Secret's labels, read
 * metadata-only in the request's namespace; skipped when they are not known.
 */
export function validateCredentialsSecretNotForeign(obj: Discourse, facts: ValidationFacts): ValidationResult {
  const name = nameOf(obj);
  const secret: unknown = obj.spec?.database?.credentialsSecret ?? (name ? credentialsSecretNameFor(name) : undefined);
  if (typeof secret !== "string" || !name) return OK;
  const labels = facts.secretLabels?.get(secret);
  const instance = labels?.[LABEL_INSTANCE];
  if (labels?.[LABEL_MANAGED_BY] !== MANAGED_BY || instance === undefined || instance === name) return OK;
  return errorsOf(
    forbidden(
      "spec.database.credentialsSecret",
      `Secret "${secret}" holds the database credentials the operator generated for Discourse "${instance}"; name a Secret of this forum's own (or leave the field out to get ${credentialsSecretNameFor(name)})`,
    ),
  );
}
