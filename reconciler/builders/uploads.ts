/**
 * Where the pods that mount the uploads volume may run (API.md: "with ReadWriteOnce every
 * pod that mounts the uploads runs on one node").
 *
 * - ReadWriteOnce: a volume attached to one node (https://kubernetes.io/docs/concepts/storage/persistent-volumes/#access-modes).
 *   Every pod that mounts it (web, sidekiq; the backup and restore Jobs too, through
 *   uploadsPodAffinity()) carries the label `discourse.cern/uploads: <name>` and a
 *   required podAffinity to that label with topologyKey kubernetes.io/hostname. The first
 *   of them can be scheduled: when no pod matches the term yet and the pod matches its own
 *   term, the scheduler lets it go anywhere
 *   (https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/#inter-pod-affinity-and-anti-affinity);
 *   every later pod follows it to its node.
 * - ReadWriteMany: web pods prefer distinct nodes and zones (a preferred podAntiAffinity on
 *   hostname, a ScheduleAnyway topology spread over zones), so one node or zone going down
 *   does not take the forum with it.
 */
import type { V1Affinity, V1PodAffinityTerm, V1TopologySpreadConstraint } from "@kubernetes/client-node";
import { GROUP } from "../../src/api/constants.js";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { COMPONENTS, ownerIdentity, selectorLabels, type Component } from "./metadata.js";

/** Label shared by every pod that mounts one forum's uploads volume; its value is the forum's name. */
export const UPLOADS_LABEL = `${GROUP}/uploads`;
export const HOSTNAME_TOPOLOGY = "kubernetes.io/hostname";
export const ZONE_TOPOLOGY = "topology.kubernetes.io/zone";

/** The label (key and value) of the pods that mount `obj`'s uploads. */
export function uploadsLabels(obj: DefaultedDiscourse): Record<string, string> {
  return { [UPLOADS_LABEL]: ownerIdentity(obj).name };
}

/**
 * The required pod affinity keeping a pod on the node of the other pods that mount the
 * ReadWriteOnce uploads, or undefined for ReadWriteMany. For every pod mounting the claim.
 */
export function uploadsPodAffinity(obj: DefaultedDiscourse): V1Affinity | undefined {
  if (obj.spec.storage.uploads.accessMode !== "ReadWriteOnce") return undefined;
  const term: V1PodAffinityTerm = { labelSelector: { matchLabels: uploadsLabels(obj) }, topologyKey: HOSTNAME_TOPOLOGY };
  return { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } };
}

export interface UploadsPlacement {
  labels: Record<string, string>;
  affinity?: V1Affinity;
  topologySpreadConstraints?: V1TopologySpreadConstraint[];
}

/** Labels, affinity and spread of a pod of `component` that mounts the uploads. */
export function uploadsPlacement(obj: DefaultedDiscourse, component: Component): UploadsPlacement {
  const labels = uploadsLabels(obj);
  const affinity = uploadsPodAffinity(obj);
  if (affinity) return { labels, affinity };
  if (component !== COMPONENTS.web) return { labels };
  const own = { matchLabels: selectorLabels(obj, component) };
  return {
    labels,
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { labelSelector: own, topologyKey: HOSTNAME_TOPOLOGY } },
        ],
      },
    },
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: ZONE_TOPOLOGY, whenUnsatisfiable: "ScheduleAnyway", labelSelector: own }],
  };
}
