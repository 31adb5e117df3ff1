/**
 * spec.backup and spec.restore of a Discourse, and the DiscourseBackup kind, through the
 * pure validations (validate, validateBackup) and the backup processor, asserting whole results.
 */
import { expect } from "chai";
import type { DiscourseBackup } from "../../../src/api/types.js";
import { processValidateBackup } from "../../../webhooks/admission/process-validate-backup.js";
import type { AdmissionRequest } from "../../../webhooks/admission/types.js";
import { lastDue, nextDue, scheduleError } from "../../../webhooks/validation/cron-schedule.js";
import type { Operation, ValidationResult } from "../../../webhooks/validation/types.js";
import { validate } from "../../../webhooks/validation/validate.js";
import { validateBackup, type BackupFacts } from "../../../webhooks/validation/validate-backup.js";
import { err, forum, result } from "./forum.js";

const facts = { otherHostnames: [] };

describe("Discourse spec.backup and spec.restore", () => {
  const cases: Array<{ name: string; op: Operation; obj: ReturnType<typeof forum>; old?: ReturnType<typeof forum>; want: ValidationResult }> = [
    { name: "a daily schedule passes", op: "CREATE", obj: forum({ backup: { schedule: "0 3 * * *" } }), want: result() },
    { name: "every minute with steps and ranges passes", op: "CREATE", obj: forum({ backup: { schedule: "*/15 0-23 1-31 * MON-FRI" } }), want: result() },
    {
      name: "an out-of-range minute is rejected",
      op: "CREATE",
      obj: forum({ backup: { schedule: "61 3 * * *" } }),
      want: result([err("FieldValueInvalid", "spec.backup.schedule", 'Invalid value: "61 3 * * *": not a five-field cron expression: Constraint error, got value 61 expected range 0-59')]),
    },
    {
      name: "a six-field (seconds) expression is rejected",
      op: "CREATE",
      obj: forum({ backup: { schedule: "0 0 3 * * *" } }),
      want: result([err("FieldValueInvalid", "spec.backup.schedule", 'Invalid value: "0 0 3 * * *": not a five-field cron expression: expected five fields: minute hour day-of-month month day-of-week')]),
    },
    {
      name: "a macro is rejected",
      op: "CREATE",
      obj: forum({ backup: { schedule: "@daily" } }),
      want: result([err("FieldValueInvalid", "spec.backup.schedule", 'Invalid value: "@daily": not a five-field cron expression: expected five fields: minute hour day-of-month month day-of-week')]),
    },
    {
      name: "retention 0 is out of range",
      op: "CREATE",
      obj: forum({ backup: { retention: 0 } }),
      want: result([err("FieldValueInvalid", "spec.backup.retention", "Invalid value: 0: spec.backup.retention in body should be greater than or equal to 1")]),
    },
    {
      name: "a backups volume of size zero is rejected",
      op: "CREATE",
      obj: forum({ backup: { storage: { size: "0Gi" } } }),
      want: result([err("FieldValueInvalid", "spec.backup.storage.size", 'Invalid value: "0Gi": must be greater than zero')]),
    },
    { name: "restore on CREATE passes", op: "CREATE", obj: forum({ restore: { backup: "old-forum-nightly" } }), want: result() },
    { name: "the backups volume may grow", op: "UPDATE", obj: forum({ backup: { storage: { size: "30Gi" } } }), old: forum({ backup: { storage: { size: "20Gi" } } }), want: result() },
    {
      name: "the backups volume may not shrink (below the default either)",
      op: "UPDATE",
      obj: forum({ backup: { storage: { size: "10Gi" } } }),
      old: forum(),
      want: result([err("FieldValueForbidden", "spec.backup.storage.size", "Forbidden: may not be less than the current size 20Gi: volumes can grow, never shrink")]),
    },
    {
      name: "the backups StorageClass is immutable",
      op: "UPDATE",
      obj: forum({ backup: { storage: { storageClassName: "fast" } } }),
      old: forum({ backup: { storage: { storageClassName: "slow" } } }),
      want: result([err("FieldValueInvalid", "spec.backup.storage.storageClassName", 'Invalid value: "fast": storageClassName is immutable')]),
    },
    {
      name: "restore may not be added on UPDATE",
      op: "UPDATE",
      obj: forum({ restore: { backup: "b" } }),
      old: forum(),
      want: result([err("FieldValueForbidden", "spec.restore.backup", "Forbidden: may only be set when the Discourse is created")]),
    },
    {
      name: "restore may not change",
      op: "UPDATE",
      obj: forum({ restore: { backup: "b" } }),
      old: forum({ restore: { backup: "a" } }),
      want: result([err("FieldValueForbidden", "spec.restore.backup", "Forbidden: may only be set when the Discourse is created")]),
    },
    { name: "restore kept as it is passes", op: "UPDATE", obj: forum({ replicas: 2, restore: { backup: "a" } }), old: forum({ restore: { backup: "a" } }), want: result() },
  ];
  for (const c of cases) it(c.name, () => expect(validate(c.obj, c.old, facts, c.op)).to.deep.equal(c.want));
});

function backup(spec: Record<string, unknown> = { discourse: "forum" }): DiscourseBackup {
  return { apiVersion: "discourse.cern/v1alpha1", kind: "DiscourseBackup", metadata: { name: "nightly", namespace: "forums" }, spec: spec as DiscourseBackup["spec"] };
}

describe("DiscourseBackup validation", () => {
  const cases: Array<{ name: string; op: Operation; obj: unknown; old?: unknown; facts?: BackupFacts; want: ValidationResult }> = [
    { name: "a backup of an existing forum passes", op: "CREATE", obj: backup(), facts: { discourseExists: true }, want: result() },
    { name: "offline (existence unknown) passes", op: "CREATE", obj: backup({ discourse: "forum", reason: "Scheduled" }), want: result() },
    {
      name: "a backup of a missing forum is rejected",
      op: "CREATE",
      obj: backup(),
      facts: { discourseExists: false },
      want: result([err("FieldValueInvalid", "spec.discourse", 'Invalid value: "forum": no Discourse forum in namespace forums')]),
    },
    {
      name: "every schema problem at once",
      op: "CREATE",
      obj: backup({ reason: "Nightly", extra: 1 }),
      facts: { discourseExists: true },
      want: result([
        err("FieldValueRequired", "spec.discourse", "Required value"),
        err("FieldValueForbidden", "spec.extra", 'Forbidden: unknown field "spec.extra"'),
        err("FieldValueNotSupported", "spec.reason", 'Unsupported value: "Nightly": supported values: "Manual", "Scheduled", "BeforeUpgrade"'),
      ]),
    },
    {
      name: "spec is immutable",
      op: "UPDATE",
      obj: backup({ discourse: "other" }),
      old: backup(),
      want: result([err("FieldValueForbidden", "spec", "Forbidden: is immutable: create a new DiscourseBackup instead")]),
    },
    { name: "a label change passes (the forum may be gone by then)", op: "UPDATE", obj: { ...backup(), metadata: { name: "nightly", labels: { a: "b" } } }, old: backup(), facts: { discourseExists: false }, want: result() },
    { name: "DELETE is always allowed", op: "DELETE", obj: null, old: backup(), want: result() },
  ];
  for (const c of cases) it(c.name, () => expect(validateBackup(c.obj, c.old, c.facts ?? {}, c.op)).to.deep.equal(c.want));
});

describe("processValidateBackup", () => {
  const request = (object: unknown, kind = "DiscourseBackup"): AdmissionRequest => ({
    uid: "u1",
    kind: { group: "discourse.cern", version: "v1alpha1", kind },
    resource: { group: "discourse.cern", version: "v1alpha1", resource: "discoursebackups" },
    namespace: "forums",
    operation: "CREATE",
    object,
  });
  it("denies with 422 naming the DiscourseBackup and one cause per problem", () => {
    expect(processValidateBackup(request(backup()), { discourseExists: false })).to.deep.equal({
      uid: "u1",
      allowed: false,
      status: {
        code: 422,
        reason: "Invalid",
        message: 'DiscourseBackup.discourse.cern "nightly" is invalid: spec.discourse: Invalid value: "forum": no Discourse forum in namespace forums',
        details: {
          group: "discourse.cern",
          kind: "DiscourseBackup",
          name: "nightly",
          causes: [{ type: "FieldValueInvalid", field: "spec.discourse", message: 'Invalid value: "forum": no Discourse forum in namespace forums' }],
        },
      },
    });
  });
  it("allows a good one", () => expect(processValidateBackup(request(backup()), { discourseExists: true })).to.deep.equal({ uid: "u1", allowed: true }));
  it("answers another kind with 400", () => {
    expect(processValidateBackup(request(backup(), "Discourse"), {}).status).to.deep.include({ code: 400, reason: "BadRequest" });
  });
});

describe("cron schedules (UTC)", () => {
  const at = (s: string): Date => new Date(s);
  it("the last due time is at or before now, to the minute", () => {
    expect(lastDue("0 3 * * *", at("2026-05-02T10:00:00Z")).toISOString()).to.equal("2026-05-02T03:00:00.000Z");
    expect(lastDue("0 3 * * *", at("2026-05-02T03:00:00Z")).toISOString()).to.equal("2026-05-02T03:00:00.000Z");
    expect(lastDue("* * * * *", at("2026-05-02T10:00:42Z")).toISOString()).to.equal("2026-05-02T10:00:00.000Z");
  });
  it("the next due time is strictly after", () => {
    expect(nextDue("0 3 * * *", at("2026-05-02T03:00:00Z")).toISOString()).to.equal("2026-05-03T03:00:00.000Z");
  });
  it("names what is wrong", () => {
    expect(scheduleError("0 3 * * *")).to.equal(null);
    expect(scheduleError("0 25 * * *")).to.match(/expected range 0-23/);
  });
});
