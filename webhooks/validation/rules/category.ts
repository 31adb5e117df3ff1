/** spec.category: an official forum should survive the loss of one pod. */
import type { Discourse } from "../../../src/api/types.js";
import { OK, warningsOf, type ValidationResult } from "../types.js";

/** Minimum web replicas recommended for `official` forums. */
export const OFFICIAL_MIN_REPLICAS = 2;

/** Warns when spec.category is official and spec.replicas is below 2 (default 1). */
export function warnOfficialReplicas(obj: Discourse): ValidationResult {
  const replicas = obj.spec?.replicas ?? 1;
  if (obj.spec?.category !== "official" || typeof replicas !== "number" || replicas >= OFFICIAL_MIN_REPLICAS) return OK;
  return warningsOf(
    `spec.replicas: an official forum should run at least ${OFFICIAL_MIN_REPLICAS} replicas to stay up during node maintenance (has ${replicas})`,
  );
}
