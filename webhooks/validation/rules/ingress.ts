/** spec.ingress: settings that only apply to one kind are warned about on the other. */
import type { Discourse } from "../../../src/api/types.js";
import { OK, warningsOf, type ValidationResult } from "../types.js";

/** Warns when spec.ingress.className is set for a Route (IngressClass is an Ingress concept). */
export function warnIngressClassOnRoute(obj: Discourse): ValidationResult {
  const ingress = obj.spec?.ingress;
  if (ingress?.kind !== "Route" || ingress.className === undefined) return OK;
  return warningsOf("spec.ingress.className is ignored: spec.ingress.kind is Route");
}
