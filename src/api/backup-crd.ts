/**
 * The CustomResourceDefinition of `DiscourseBackup`, built from the one schema in
 * src/api/backup-schema.ts, like src/api/crd.ts for Discourse. Written to manifests/crd/ by
 * `npm run manifests`.
 */
import type { V1CustomResourceDefinition } from "@kubernetes/client-node";
import { BACKUP_KIND, BACKUP_PLURAL, BACKUP_SHORT_NAME, BACKUP_SINGULAR } from "./backup-constants.js";
import { DiscourseBackupSpec, DiscourseBackupStatus } from "./backup-schema.js";
import { namespacedCrd, objectSchema, type NamespacedCrdInput, type PrinterColumn } from "./namespaced-crd.js";
import type { JsonSchema } from "./structural.js";

/** Printer columns of `kubectl get dscb` (API.md: Discourse, Reason, Phase, Size, Age). */
const printerColumns: PrinterColumn[] = [
  { name: "Discourse", type: "string", jsonPath: ".spec.discourse", description: "The forum backed up." },
  { name: "Reason", type: "string", jsonPath: ".spec.reason", description: "Manual, Scheduled or BeforeUpgrade." },
  { name: "Phase", type: "string", jsonPath: ".status.phase", description: "Pending, Running, Completed or Failed." },
  { name: "Size", type: "integer", jsonPath: ".status.sizeBytes", description: "Total size of the files, in bytes." },
  { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
];

const BACKUP: NamespacedCrdInput = {
  kind: BACKUP_KIND,
  plural: BACKUP_PLURAL,
  singular: BACKUP_SINGULAR,
  shortName: BACKUP_SHORT_NAME,
  description:
    "DiscourseBackup is one backup of a Discourse forum: a pg_dump of its database and an archive of its uploads, " +
    "with a manifest of sizes and checksums, on the volume <discourse>-backups. Deleting it removes its files.",
  spec: DiscourseBackupSpec,
  status: DiscourseBackupStatus,
  printerColumns,
};

/** The OpenAPI v3 schema of the whole object (apiVersion, kind, metadata, spec, status). */
export function discourseBackupOpenApiSchema(): JsonSchema {
  return objectSchema(BACKUP);
}

/** @returns the CRD object, ready to serialise to YAML or to apply. */
export function discourseBackupCrd(): V1CustomResourceDefinition {
  return namespacedCrd(BACKUP);
}
