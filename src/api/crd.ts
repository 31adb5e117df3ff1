/**
 * The CustomResourceDefinition of `Discourse`, built from the one schema in
 * src/api/schema.ts (https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/).
 * Written to manifests/crd/ by `npm run manifests`.
 */
import type { V1CustomResourceDefinition } from "@kubernetes/client-node";
import { API_VERSION, KIND, PLURAL, SHORT_NAME, SINGULAR } from "./constants.js";
import { namespacedCrd, objectSchema, type NamespacedCrdInput, type PrinterColumn } from "./namespaced-crd.js";
import { DiscourseSpec, DiscourseStatus } from "./schema.js";
import type { JsonSchema } from "./structural.js";

/** Printer columns of `kubectl get dsc` (API.md: Hostname, Version, Replicas, Ready, Age). */
const printerColumns: PrinterColumn[] = [
  { name: "Hostname", type: "string", jsonPath: ".spec.hostname", description: "Public host name of the forum." },
  { name: "Version", type: "string", jsonPath: ".status.version", description: "Discourse version running now." },
  { name: "Replicas", type: "integer", jsonPath: ".spec.replicas", description: "Desired web pods." },
  { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status', description: "Ready condition." },
  { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
];

const DISCOURSE: NamespacedCrdInput = {
  kind: KIND,
  plural: PLURAL,
  singular: SINGULAR,
  shortName: SHORT_NAME,
  description: "Discourse is a Discourse forum run by discourse-operator: its web and sidekiq Deployments, database, Redis, storage and exposure.",
  spec: DiscourseSpec,
  status: DiscourseStatus,
  printerColumns,
};

/** The OpenAPI v3 schema of the whole object (apiVersion, kind, metadata, spec, status). */
export function discourseOpenApiSchema(): JsonSchema {
  return objectSchema(DISCOURSE);
}

/** @returns the CRD object, ready to serialise to YAML or to apply. */
export function discourseCrd(): V1CustomResourceDefinition {
  return namespacedCrd(DISCOURSE);
}

export { API_VERSION };
