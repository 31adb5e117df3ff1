/**
 * The validating webhook's processor for DiscourseBackup objects: AdmissionRequest in,
 * AdmissionResponse out, no HTTP in sight (like process-validate.ts for Discourse). The
 * rules are webhooks/validation/validate-backup.ts.
 */
import { GROUP } from "../../src/api/constants.js";
import { BACKUP_KIND } from "../../src/api/backup-constants.js";
import { validateBackup, type BackupFacts } from "../validation/validate-backup.js";
import { objectName } from "./object.js";
import { toAdmissionResponse, toErrorResponse } from "./to-admission-response.js";
import type { AdmissionRequest, AdmissionResponse } from "./types.js";

/** Whether the request is about the DiscourseBackup kind (any version: matchPolicy Equivalent). */
export function servesBackupKind(request: AdmissionRequest): boolean {
  return request.kind?.group === GROUP && request.kind?.kind === BACKUP_KIND;
}

/**
 * Judge one DiscourseBackup request.
 * @param request - AdmissionReview.request (CREATE, UPDATE or DELETE).
 * @param facts - whether the named Discourse exists (gathered on CREATE).
 * @returns a 422 denial with one cause per problem, or an allowance; a 400 denial for
 *   another kind. Never throws.
 */
export function processValidateBackup(request: AdmissionRequest, facts: BackupFacts): AdmissionResponse {
  if (!servesBackupKind(request)) {
    const k = request.kind;
    return toErrorResponse(request.uid, 400, "BadRequest", `this webhook serves ${GROUP} ${BACKUP_KIND} only, not ${k ? `${k.group || "core"}/${k.version} ${k.kind}` : "an unknown kind"}`);
  }
  if (request.operation === "CONNECT" || request.subResource) return { uid: request.uid, allowed: true };
  const object = request.operation === "DELETE" ? request.oldObject : request.object;
  try {
    const { errors, warnings } = validateBackup(object ?? null, request.oldObject ?? null, facts, request.operation);
    return toAdmissionResponse(request.uid, { name: objectName(object, request), errors, warnings, kind: BACKUP_KIND });
  } catch (err) {
    const reason = err instanceof Error ? err.name : "error";
    return toErrorResponse(request.uid, 500, "InternalError", `validation failed unexpectedly (${reason}); the request was not admitted`);
  }
}

/** The Discourse a DiscourseBackup request names, for the existence fact: null when there is nothing to look up. */
export function backupTarget(request: AdmissionRequest): { namespace: string; name: string } | null {
  if (request.operation !== "CREATE" || !servesBackupKind(request)) return null;
  const spec = (request.object as { spec?: { discourse?: unknown } } | undefined)?.spec;
  const name = spec?.discourse;
  return typeof name === "string" && name !== "" && request.namespace ? { namespace: request.namespace, name } : null;
}
