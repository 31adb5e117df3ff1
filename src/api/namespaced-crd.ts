/**
 * One shape for the project's CustomResourceDefinitions (`Discourse`, `DiscourseBackup`):
 * namespaced, one served and stored version with a status subresource, printer columns,
 * and an OpenAPI v3 schema built from the one TypeBox definition of spec and status
 * (https://kubernetes.io/docs/tasks/extend-kubernetes/custom-resources/custom-resource-definitions/).
 */
import type { V1CustomResourceDefinition } from "@kubernetes/client-node";
import type { TSchema } from "@sinclair/typebox";
import { GROUP, VERSION } from "./constants.js";
import { toStructural, type JsonSchema } from "./structural.js";

export interface PrinterColumn {
  name: string;
  type: "string" | "integer" | "date";
  jsonPath: string;
  description?: string;
}

export interface NamespacedCrdInput {
  kind: string;
  plural: string;
  singular: string;
  shortName: string;
  /** What `kubectl explain <kind>` prints for the object. */
  description: string;
  spec: TSchema;
  status: TSchema;
  printerColumns: PrinterColumn[];
}

/** The OpenAPI v3 schema of the whole object (apiVersion, kind, metadata, spec, status). */
export function objectSchema(i: Pick<NamespacedCrdInput, "description" | "spec" | "status">): JsonSchema {
  return {
    type: "object",
    description: i.description,
    required: ["spec"],
    properties: {
      apiVersion: { type: "string", description: "APIVersion defines the versioned schema of this representation of an object." },
      kind: { type: "string", description: "Kind is a string value representing the REST resource this object represents." },
      metadata: { type: "object" },
      spec: toStructural(i.spec),
      status: toStructural(i.status),
    },
  };
}

/** @returns the CRD object `<plural>.<GROUP>`, ready to serialise to YAML or to apply. */
export function namespacedCrd(i: NamespacedCrdInput): V1CustomResourceDefinition {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${i.plural}.${GROUP}`, labels: { "app.kubernetes.io/name": "discourse-operator", "app.kubernetes.io/part-of": "discourse-operator" } },
    spec: {
      group: GROUP,
      names: { kind: i.kind, listKind: `${i.kind}List`, plural: i.plural, singular: i.singular, shortNames: [i.shortName], categories: ["all"] },
      scope: "Namespaced",
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: i.printerColumns,
          schema: { openAPIV3Schema: objectSchema(i) },
        },
      ],
    },
  };
}
