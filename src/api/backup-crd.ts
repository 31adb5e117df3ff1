/**
 * The CustomResourceDefinition of `DiscourseBackup`, built from the one schema in
 * src/api/backup-schema.ts, like src/api/crd.ts for Discourse. Written to manifests/crd/ by
 * `npm run manifests`.
 */
import type { V1CustomResourceDefinition } from "@kubernetes/client-node";
import { GROUP, VERSION } from "./constants.js";
import { BACKUP_CRD_NAME, BACKUP_KIND, BACKUP_PLURAL, BACKUP_SHORT_NAME, BACKUP_SINGULAR } from "./backup-constants.js";
import { DiscourseBackupSpec, DiscourseBackupStatus } from "./backup-schema.js";
import { toStructural, type JsonSchema } from "./structural.js";

/** Printer columns of `kubectl get dscb` (API.md: Discourse, Reason, Phase, Size, Age). */
const printerColumns = [
  { name: "Discourse", type: "string", jsonPath: ".spec.discourse", description: "The forum backed up." },
  { name: "Reason", type: "string", jsonPath: ".spec.reason", description: "Manual, Scheduled or BeforeUpgrade." },
  { name: "Phase", type: "string", jsonPath: ".status.phase", description: "Pending, Running, Completed or Failed." },
  { name: "Size", type: "integer", jsonPath: ".status.sizeBytes", description: "Total size of the files, in bytes." },
  { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
];

/** The OpenAPI v3 schema of the whole object (apiVersion, kind, metadata, spec, status). */
export function discourseBackupOpenApiSchema(): JsonSchema {
  return {
    type: "object",
    description:
      "DiscourseBackup is one backup of a Discourse forum: a pg_dump of its database and an archive of its uploads, " +
      "with a manifest of sizes and checksums, on the volume <discourse>-backups. Deleting it removes its files.",
    required: ["spec"],
    properties: {
      apiVersion: { type: "string", description: "APIVersion defines the versioned schema of this representation of an object." },
      kind: { type: "string", description: "Kind is a string value representing the REST resource this object represents." },
      metadata: { type: "object" },
      spec: toStructural(DiscourseBackupSpec),
      status: toStructural(DiscourseBackupStatus),
    },
  };
}

/** @returns the CRD object, ready to serialise to YAML or to apply. */
export function discourseBackupCrd(): V1CustomResourceDefinition {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: BACKUP_CRD_NAME, labels: { "app.kubernetes.io/name": "discourse-operator", "app.kubernetes.io/part-of": "discourse-operator" } },
    spec: {
      group: GROUP,
      names: {
        kind: BACKUP_KIND,
        listKind: `${BACKUP_KIND}List`,
        plural: BACKUP_PLURAL,
        singular: BACKUP_SINGULAR,
        shortNames: [BACKUP_SHORT_NAME],
        categories: ["all"],
      },
      scope: "Namespaced",
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: printerColumns,
          schema: { openAPIV3Schema: discourseBackupOpenApiSchema() },
        },
      ],
    },
  };
}
