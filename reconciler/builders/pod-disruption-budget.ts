/**
 * PodDisruptionBudget `<name>-web` (policy/v1, component `web`): voluntary disruptions
 * (node drains) take at most one web pod at a time
 * (https://kubernetes.io/docs/tasks/run-application/configure-pdb/). With one replica a
 * budget would block every drain, so it exists only from 2 replicas.
 */
import type { V1PodDisruptionBudget } from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { childMeta, COMPONENTS, selectorLabels } from "./metadata.js";
import { webName } from "./names.js";

/** The budget (maxUnavailable 1), or null when `spec.replicas` < 2. */
export function buildPodDisruptionBudget(obj: DefaultedDiscourse): V1PodDisruptionBudget | null {
  if (obj.spec.replicas < 2) return null;
  return {
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: childMeta(obj, COMPONENTS.web, webName(obj)),
    spec: {
      maxUnavailable: 1,
      selector: { matchLabels: selectorLabels(obj, COMPONENTS.web) },
    },
  };
}
