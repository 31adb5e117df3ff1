/**
 * The CustomResourceDefinition of `Discourse`, built from the one schema in
 * src/api/schema.ts (https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/).
 * Written to manifests/crd/ by `npm run manifests`.
 */
import type { V1CustomResourceDefinition } from "@kubernetes/client-node";
import { API_VERSION, CRD_NAME, GROUP, KIND, PLURAL, SHORT_NAME, SINGULAR, VERSION } from "./constants.js";
import { DiscourseSpec, DiscourseStatus } from "./schema.js";
import { toStructural, type JsonSchema } from "./structural.js";

/** Printer columns of `kubectl get dsc` (API.md: Hostname, Version, Replicas, Ready, Age). */
const printerColumns = [
  { name: "Hostname", type: "string", jsonPath: ".spec.hostname", description: "Public host name of the forum." },
  { name: "Version", type: "string", jsonPath: ".status.version", description: "Discourse version running now." },
  { name: "Replicas", type: "integer", jsonPath: ".spec.replicas", description: "Desired web pods." },
  { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status', description: "Ready condition." },
  { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
];

/** The OpenAPI v3 schema of the whole object (apiVersion, kind, metadata, spec, status). */
export function discourseOpenApiSchema(): JsonSchema {
  return {
    type: "object",
    description: "Discourse is a Discourse forum run by discourse-operator: its web and sidekiq Deployments, database, Redis, storage and exposure.",
    required: ["spec"],
    properties: {
      apiVersion: { type: "string", description: "APIVersion defines the versioned schema of this representation of an object." },
      kind: { type: "string", description: "Kind is a string value representing the REST resource this object represents." },
      metadata: { type: "object" },
      spec: toStructural(DiscourseSpec),
      status: toStructural(DiscourseStatus),
    },
  };
}

/** @returns the CRD object, ready to serialise to YAML or to apply. */
export function discourseCrd(): V1CustomResourceDefinition {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: CRD_NAME, labels: { "app.kubernetes.io/name": "discourse-operator", "app.kubernetes.io/part-of": "discourse-operator" } },
    spec: {
      group: GROUP,
      names: { kind: KIND, listKind: `${KIND}List`, plural: PLURAL, singular: SINGULAR, shortNames: [SHORT_NAME], categories: ["all"] },
      scope: "Namespaced",
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: printerColumns,
          schema: { openAPIV3Schema: discourseOpenApiSchema() },
        },
      ],
    },
  };
}

export { API_VERSION };
