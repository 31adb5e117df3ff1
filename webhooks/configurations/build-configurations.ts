/**
 * The ValidatingWebhookConfiguration and MutatingWebhookConfiguration of the
 * operator (API.md, "Admission"; https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/).
 * Pure builders; register-webhooks.ts puts them into a cluster.
 */
import type {
  AdmissionregistrationV1WebhookClientConfig,
  V1LabelSelector,
  V1MatchCondition,
  V1MutatingWebhookConfiguration,
  V1RuleWithOperations,
  V1ValidatingWebhook,
  V1ValidatingWebhookConfiguration,
} from "@kubernetes/client-node";
import {
  GROUP,
  LABEL_MANAGED_BY,
  MANAGED_BY,
  MUTATE_PATH,
  MUTATING_CONFIGURATION_NAME,
  MUTATING_WEBHOOK_NAME,
  OPERATOR_NAMESPACE,
  PLURAL,
  VALIDATE_PATH,
  VALIDATING_CONFIGURATION_NAME,
  VALIDATING_WEBHOOK_NAME,
  VERSION,
  WEBHOOK_PORT,
  WEBHOOK_SERVICE_NAME,
} from "../../src/api/constants.js";
import { BACKUP_PLURAL, BACKUP_VALIDATE_PATH, BACKUP_VALIDATING_WEBHOOK_NAME } from "../../src/api/backup-constants.js";

/** How the apiserver reaches the webhook. */
export type WebhookEndpoint =
  /** In cluster: through the webhook Service (`clientConfig.service`). */
  | { kind: "service"; namespace: string; name: string; port: number }
  /** On the developer's machine: `clientConfig.url`, e.g. https://127.0.0.1:9443/validate-… */
  | { kind: "url"; host: string; port: number };

/** The in-cluster endpoint of manifests/: Service discourse-operator-webhook in discourse-operator-system, port 9443. */
export function serviceEndpoint(namespace: string = OPERATOR_NAMESPACE, port: number = WEBHOOK_PORT): WebhookEndpoint {
  return { kind: "service", namespace, name: WEBHOOK_SERVICE_NAME, port };
}

/** A webhook on this machine, as the apiserver dials it. */
export function urlEndpoint(port: number, host = "127.0.0.1"): WebhookEndpoint {
  return { kind: "url", host, port };
}

/** Upper bound the contract puts on timeoutSeconds. */
export const WEBHOOK_TIMEOUT_SECONDS = 10;

/** `clientConfig` for one path; `caBundle` is the PEM bundle (base64-encoded here, as the API's bytes field wants). */
export function clientConfig(endpoint: WebhookEndpoint, path: string, caBundlePem: string): AdmissionregistrationV1WebhookClientConfig {
  const caBundle = Buffer.from(caBundlePem, "utf8").toString("base64");
  if (endpoint.kind === "url") {
    const host = endpoint.host.includes(":") ? `[${endpoint.host}]` : endpoint.host;
    return { url: `https://${host}:${endpoint.port}${path}`, caBundle };
  }
  return { service: { namespace: endpoint.namespace, name: endpoint.name, port: endpoint.port, path }, caBundle };
}

/**
 * Every namespace, kube-system and the operator's own included (shared/API.md,
 * "scope": no namespace is left out of validation, defaulting, deletion
 * protection or credentials). The rules match `discourses` and `discoursebackups` only, so
 * `failurePolicy: Fail` cannot lock anything else out: the webhook's own
 * Deployment, Pods and Secrets, and everything in kube-system, are never sent
 * here. Written out as `{}` (match all) so the choice is visible.
 */
export const ALL_NAMESPACES: V1LabelSelector = {};

/** `metadata.<field>` of `obj` in CEL, `{}` when the object has none (an absent map equals an empty one). */
const metadataMap = (obj: string, field: string): string => `(has(${obj}.metadata.${field}) ? ${obj}.metadata.${field} : {})`;

/**
 * The match conditions of every webhook of the operator, a new array each call (GA in
 * Kubernetes 1.30; https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#matching-requests-matchconditions):
 * the apiserver calls the webhook unless the request is an UPDATE that leaves `spec`, the
 * labels and the annotations as they are. What is left out is the reconciler adding or
 * removing its finalizer, and owner references or managed fields changing: the validating
 * webhooks never deny such an update (validate.ts; validate-backup.ts only asks that a
 * backup's spec stays as it is), and the mutating one would only repeat
 * the defaults the stored spec has (one a newer operator adds is filled at the next change
 * of spec; the reconciler defaults in memory meanwhile). So a forum's lifecycle costs the
 * apiserver four webhook calls fewer (the finalizer's two writes), and a forum deleted
 * before the webhook went down still loses its finalizer and goes.
 * A user's change of labels or annotations is still sent, for its warnings. An apiserver
 * without the feature (before 1.28, where it became beta) drops the field and calls the
 * webhook for every request, as before.
 */
export function matchConditions(): V1MatchCondition[] {
  const expression = [
    "request.operation != 'UPDATE'",
    "!has(object.spec) || !has(oldObject.spec) || object.spec != oldObject.spec",
    `${metadataMap("object", "labels")} != ${metadataMap("oldObject", "labels")}`,
    `${metadataMap("object", "annotations")} != ${metadataMap("oldObject", "annotations")}`,
  ].join(" || ");
  return [{ name: "changes-spec-labels-or-annotations", expression }];
}

function rules(operations: string[], resource: string = PLURAL): V1RuleWithOperations[] {
  return [{ apiGroups: [GROUP], apiVersions: [VERSION], resources: [resource], operations, scope: "Namespaced" }];
}

const metadata = (name: string): { name: string; labels: Record<string, string> } => ({ name, labels: { [LABEL_MANAGED_BY]: MANAGED_BY } });

/**
 * One validating webhook: `name` served at `path` for `rules`, with the settings every
 * validating webhook of the operator has (matchConditions(), failurePolicy Fail, sideEffects
 * None, matchPolicy Equivalent, timeout 10 s, AdmissionReview v1, every namespace).
 */
function validatingWebhook(endpoint: WebhookEndpoint, caBundlePem: string, name: string, path: string, rules: V1RuleWithOperations[]): V1ValidatingWebhook {
  return {
    name,
    clientConfig: clientConfig(endpoint, path, caBundlePem),
    rules,
    matchConditions: matchConditions(),
    failurePolicy: "Fail",
    sideEffects: "None",
    matchPolicy: "Equivalent",
    timeoutSeconds: WEBHOOK_TIMEOUT_SECONDS,
    admissionReviewVersions: ["v1"],
    namespaceSelector: ALL_NAMESPACES,
  };
}

/**
 * `validate.discourse.cern` on CREATE, UPDATE and DELETE of discourses, and
 * `validate-backup.discourse.cern` on CREATE and UPDATE of discoursebackups:
 * matchConditions(), failurePolicy Fail, sideEffects None, matchPolicy Equivalent, timeout 10 s.
 */
export function buildValidatingWebhookConfiguration(endpoint: WebhookEndpoint, caBundlePem: string): V1ValidatingWebhookConfiguration {
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingWebhookConfiguration",
    metadata: metadata(VALIDATING_CONFIGURATION_NAME),
    webhooks: [
      validatingWebhook(endpoint, caBundlePem, VALIDATING_WEBHOOK_NAME, VALIDATE_PATH, rules(["CREATE", "UPDATE", "DELETE"])),
      validatingWebhook(endpoint, caBundlePem, BACKUP_VALIDATING_WEBHOOK_NAME, BACKUP_VALIDATE_PATH, rules(["CREATE", "UPDATE"], BACKUP_PLURAL)),
    ],
  };
}

/**
 * `default.discourse.cern` on CREATE and UPDATE of discourses:
 * matchConditions(), sideEffects NoneOnDryRun (it creates the credentials Secret, never on a
 * dry run), failurePolicy Fail, reinvocationPolicy IfNeeded (it is idempotent).
 */
export function buildMutatingWebhookConfiguration(endpoint: WebhookEndpoint, caBundlePem: string): V1MutatingWebhookConfiguration {
  return {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "MutatingWebhookConfiguration",
    metadata: metadata(MUTATING_CONFIGURATION_NAME),
    webhooks: [
      {
        name: MUTATING_WEBHOOK_NAME,
        clientConfig: clientConfig(endpoint, MUTATE_PATH, caBundlePem),
        rules: rules(["CREATE", "UPDATE"]),
        matchConditions: matchConditions(),
        failurePolicy: "Fail",
        sideEffects: "NoneOnDryRun",
        matchPolicy: "Equivalent",
        reinvocationPolicy: "IfNeeded",
        timeoutSeconds: WEBHOOK_TIMEOUT_SECONDS,
        admissionReviewVersions: ["v1"],
        namespaceSelector: ALL_NAMESPACES,
      },
    ],
  };
}
