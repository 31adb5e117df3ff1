/**
 * The shape the managed backends share (postgresql-statefulset.ts, redis-statefulset.ts):
 * one replica named after its Service; the data claim follows `deletionPolicy` through
 * persistentVolumeClaimRetentionPolicy (`Delete` lets the StatefulSet controller delete it
 * with the StatefulSet, `Retain` leaves it:
 * https://kubernetes.io/docs/concepts/workloads/controllers/statefulset/#persistentvolumeclaim-retention);
 * a pod with no service-account token and no service links, running as the image's user
 * (none on OpenShift: the SCC assigns one, security.ts); one ReadWriteOnce data
 * volumeClaimTemplate; and the same probe timings.
 */
import type { V1Container, V1PersistentVolumeClaim, V1Probe, V1StatefulSet, V1Volume } from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { childLabels, childMeta, type Component, selectorLabels } from "./metadata.js";
import type { BuildOptions } from "./options.js";
import { isOpenShift } from "./platform.js";
import { backendUid, podSecurityContext } from "./security.js";

/** The probe handler of a backend container: a command, or a TCP port. */
export type ProbeHandler = Pick<V1Probe, "exec" | "tcpSocket">;

/**
 * Readiness every 10 s, liveness every 20 s (restart after 6 failures, 2 minutes), each
 * answering within 5 s.
 * @param livenessDelaySeconds - seconds before the first liveness probe (left out when undefined).
 */
export function backendProbes(handler: ProbeHandler, livenessDelaySeconds?: number): { readinessProbe: V1Probe; livenessProbe: V1Probe } {
  return {
    readinessProbe: { ...handler, periodSeconds: 10, timeoutSeconds: 5 },
    livenessProbe: { ...handler, ...(livenessDelaySeconds !== undefined ? { initialDelaySeconds: livenessDelaySeconds } : {}), periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
  };
}

/**
 * The data volumeClaimTemplate `volume` of a backend: ReadWriteOnce, a file system, `storage`
 * (a quantity), and the storage class when one is named.
 */
export function dataClaimTemplate(obj: DefaultedDiscourse, component: Component, volume: string, storage: string, storageClassName?: string): V1PersistentVolumeClaim {
  return {
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    metadata: { name: volume, labels: childLabels(obj, component) },
    spec: {
      accessModes: ["ReadWriteOnce"],
      volumeMode: "Filesystem",
      resources: { requests: { storage } },
      ...(storageClassName !== undefined ? { storageClassName } : {}),
    },
  };
}

export interface BackendStatefulSet {
  component: Component;
  /** The StatefulSet's name, and its Service's. */
  name: string;
  /** The image's user id (docker-library images; security.ts). */
  uid: number;
  container: V1Container;
  volumes: V1Volume[];
  claimTemplate: V1PersistentVolumeClaim;
  /** Seconds between termination and SIGKILL; the Kubernetes default when undefined. */
  terminationGracePeriodSeconds?: number;
}

/** The StatefulSet of a managed backend of `obj` (see the file comment). */
export function backendStatefulSet(obj: DefaultedDiscourse, opts: BuildOptions, b: BackendStatefulSet): V1StatefulSet {
  const whenDeleted = obj.spec.deletionPolicy === "Delete" ? "Delete" : "Retain";
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: childMeta(obj, b.component, b.name),
    spec: {
      replicas: 1,
      serviceName: b.name,
      selector: { matchLabels: selectorLabels(obj, b.component) },
      persistentVolumeClaimRetentionPolicy: { whenDeleted, whenScaled: "Retain" },
      template: {
        metadata: { labels: childLabels(obj, b.component) },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: podSecurityContext(backendUid(b.uid, isOpenShift(obj, opts))),
          ...(b.terminationGracePeriodSeconds !== undefined ? { terminationGracePeriodSeconds: b.terminationGracePeriodSeconds } : {}),
          containers: [b.container],
          volumes: b.volumes,
        },
      },
      volumeClaimTemplates: [b.claimTemplate],
    },
  };
}
