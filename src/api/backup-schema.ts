/**
 * The one definition of the `DiscourseBackup` kind (shared/API.md, "Backups: the
 * DiscourseBackup resource"). Like src/api/schema.ts for Discourse, it is the source of the
 * CRD (src/api/backup-crd.ts), the ajv validator (src/api/ajv.ts), the TypeScript types
 * (src/api/types.ts) and the field reference (docs/reference.md).
 */
import { Type } from "@sinclair/typebox";
import { BACKUP_PHASES, BACKUP_REASONS } from "./backup-constants.js";
import { Condition, OBJECT_NAME_PATTERN } from "./schema.js";

const immutable = (what: string): Record<string, unknown> => ({
  "x-kubernetes-validations": [{ rule: "self == oldSelf", message: `${what} is immutable` }],
});

export const DiscourseBackupSpec = Type.Object(
  {
    discourse: Type.String({
      minLength: 1,
      maxLength: 253,
      pattern: OBJECT_NAME_PATTERN,
      description: "Name of the Discourse in the same namespace whose database and uploads are backed up; immutable.",
    }),
    reason: Type.Optional(Type.Union(BACKUP_REASONS.map((r) => Type.Literal(r)), {
      default: "Manual",
      description:
        "Why the backup is made: Manual (by hand), Scheduled (spec.backup.schedule of the Discourse) or " +
        "BeforeUpgrade (made by the operator before migrations of new code run). Defaults to Manual.",
    })),
  },
  { description: "What to back up. Immutable: a backup is made once.", ...immutable("spec") },
);

export const DiscourseBackupStatus = Type.Object(
  {
    phase: Type.Optional(Type.String({
      enum: [...BACKUP_PHASES],
      description: "Pending (waiting to start), Running (its Job runs), Completed (the files are in place) or Failed (see message).",
    })),
    startedAt: Type.Optional(Type.String({ format: "date-time", description: "When the backup Job started." })),
    completedAt: Type.Optional(Type.String({ format: "date-time", description: "When the backup completed or failed." })),
    location: Type.Optional(Type.String({
      description: "Where the files are: pvc/<claim>/<directory>, i.e. the directory <metadata.name> on the volume <discourse>-backups.",
    })),
    sizeBytes: Type.Optional(Type.Integer({ minimum: 0, description: "Total size of the backup's files, in bytes (when the Job reported it)." })),
    sha256: Type.Optional(Type.Record(Type.String(), Type.String(), {
      description: "sha256 of each file (database.dump, uploads.tar, manifest.json), when the Job reported them.",
    })),
    discourseVersion: Type.Optional(Type.String({ description: "Discourse version of the forum when the backup was made." })),
    databaseVersion: Type.Optional(Type.String({ description: "PostgreSQL server version the dump was taken from." })),
    jobName: Type.Optional(Type.String({ description: "Name of the backup Job." })),
    observedGeneration: Type.Optional(Type.Integer({ description: "metadata.generation last reconciled." })),
    conditions: Type.Optional(Type.Array(Condition, {
      description: "Latest observations: Completed, Failed.",
      "x-kubernetes-list-type": "map",
      "x-kubernetes-list-map-keys": ["type"],
    })),
    message: Type.Optional(Type.String({ description: "Human-readable state, e.g. why the backup failed." })),
  },
  { description: "Observed state of the backup, written by the reconciler." },
);
