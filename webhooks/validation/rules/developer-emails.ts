/**
 * spec.developerEmails: unique (compared case-insensitively, as mail systems
 * do), since they become DISCOURSE_DEVELOPER_EMAILS. Count and format are in
 * the schema.
 */
import type { Discourse } from "../../../src/api/types.js";
import { duplicate, type FieldError } from "../field-error.js";
import { errorsOf, resultOf, type ValidationResult } from "../types.js";

/** No address appears twice in spec.developerEmails; each repeat is reported. */
export function validateDeveloperEmailsUnique(obj: Discourse): ValidationResult {
  const emails: unknown = obj.spec?.developerEmails;
  if (!Array.isArray(emails)) return errorsOf();
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  emails.forEach((email, i) => {
    if (typeof email !== "string") return;
    const key = email.toLowerCase();
    if (seen.has(key)) errors.push(duplicate(`spec.developerEmails[${i}]`, email));
    seen.add(key);
  });
  return resultOf(errors);
}
