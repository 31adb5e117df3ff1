/**
 * spec.hostname beyond the schema (pattern, 253 characters): every label at
 * most 63 characters (RFC 1035 §2.3.4), and the name unique across the cluster
 * (shared/API.md) so two forums never claim the same Ingress or Route host,
 * and never an IP address (an Ingress rule's host must be a DNS name:
 * k8s.io/kubernetes pkg/apis/networking/validation ValidateIngressSpec, "must be
 * a DNS name, not an IP address"; the pattern of the schema lets `10.0.0.1` through).
 */
import { isIP } from "node:net";
import type { Discourse } from "../../../src/api/types.js";
import { duplicate, invalid, type FieldError } from "../field-error.js";
import { errorsOf, nameOf, namespaceOf, type ValidationFacts, resultOf, type ValidationResult } from "../types.js";

const FIELD = "spec.hostname";
const MAX_DNS_LABEL = 63;

/** Every dot-separated label of spec.hostname is at most 63 characters. */
export function validateHostnameLabels(obj: Discourse): ValidationResult {
  const hostname = obj.spec?.hostname;
  if (typeof hostname !== "string") return errorsOf();
  const long = hostname.split(".").some((label) => label.length > MAX_DNS_LABEL);
  return errorsOf(...(long ? [invalid(FIELD, hostname, `each label must be no more than ${MAX_DNS_LABEL} characters`)] : []));
}

/** spec.hostname is not an IP address. */
export function validateHostnameNotIp(obj: Discourse): ValidationResult {
  const hostname = obj.spec?.hostname;
  if (typeof hostname !== "string" || isIP(hostname) === 0) return errorsOf();
  return errorsOf(invalid(FIELD, hostname, "must be a DNS name, not an IP address"));
}

/**
 * spec.hostname is not claimed by another Discourse.
 * @param facts - otherHostnames: every Discourse of the cluster; the object
 *   itself (same namespace and name) is skipped.
 */
export function validateHostnameUnique(obj: Discourse, facts: ValidationFacts): ValidationResult {
  const hostname = obj.spec?.hostname;
  if (typeof hostname !== "string" || hostname === "") return errorsOf();
  const self = { namespace: namespaceOf(obj), name: nameOf(obj) };
  const errors: FieldError[] = [];
  for (const other of facts.otherHostnames) {
    if (other.namespace === self.namespace && other.name === self.name) continue;
    if (other.hostname.toLowerCase() !== hostname.toLowerCase()) continue;
    errors.push(duplicate(FIELD, hostname, `already used by Discourse "${other.namespace}/${other.name}"`));
    break;
  }
  return resultOf(errors);
}
