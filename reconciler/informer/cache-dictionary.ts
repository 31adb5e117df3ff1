/**
 * The preset dictionary of the compact child caches (object-cache.ts): text that the
 * cached children share from forum to forum, so that zlib finds it in the dictionary
 * instead of spelling it out in every entry (zlib's preset dictionary, deflateSetDictionary
 * and inflateSetDictionary of raw deflate; zlib uses the last 32 KiB). It is the JSON of the children the builders make for one sample forum,
 * followed by the fields the API server adds to such objects (the defaults of
 * k8s.io/kubernetes pkg/apis/core/v1/defaults.go and pkg/apis/apps/v1/defaults.go, and
 * the usual status fields), the most common last, where zlib's window reaches best.
 * Built once per process; the same input gives the same bytes, which every read of
 * the cache needs (a cache is never shared between processes, so the dictionary may
 * change between versions).
 */
import type { Discourse } from "../../src/api/types.js";
import { applyDefaults } from "../../webhooks/defaulting/apply-defaults.js";
import { buildAll } from "../builders/index.js";

const SAMPLE: Discourse = {
  apiVersion: "discourse.cern/v1alpha1",
  kind: "Discourse",
  metadata: { name: "forum", namespace: "forums", uid: "00000000-0000-4000-8000-000000000000" },
  spec: { hostname: "forum.example.org", developerEmails: ["admin@example.org"] },
} as unknown as Discourse;

/** What the API server adds to the objects the builders send. */
const SERVER_FIELDS = JSON.stringify({
  metadata: { resourceVersion: "1000000", generation: 1, creationTimestamp: "2026-01-01T00:00:00Z", uid: "00000000-0000-4000-8000-000000000000" },
  spec: {
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } },
    podManagementPolicy: "OrderedReady",
    updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0 } },
    persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
    template: {
      metadata: { creationTimestamp: null },
      spec: {
        containers: [{ terminationMessagePath: "/dev/termination-log", terminationMessagePolicy: "File", imagePullPolicy: "IfNotPresent", protocol: "TCP" }],
        restartPolicy: "Always",
        terminationGracePeriodSeconds: 30,
        dnsPolicy: "ClusterFirst",
        schedulerName: "default-scheduler",
        securityContext: {},
      },
    },
    sessionAffinity: "None",
    ipFamilies: ["IPv4"],
    ipFamilyPolicy: "SingleStack",
    internalTrafficPolicy: "Cluster",
    type: "ClusterIP",
  },
  status: {
    observedGeneration: 1,
    replicas: 1,
    updatedReplicas: 1,
    readyReplicas: 1,
    availableReplicas: 1,
    currentReplicas: 1,
    conditions: [
      { type: "Available", status: "True", lastUpdateTime: "2026-01-01T00:00:00Z", lastTransitionTime: "2026-01-01T00:00:00Z", reason: "MinimumReplicasAvailable", message: "Deployment has minimum availability." },
      { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable", message: "ReplicaSet has successfully progressed." },
    ],
  },
});

let dictionary: Buffer | undefined;

/** The dictionary (see the file comment), built on first use. @returns at most 32 KiB. */
export function childCacheDictionary(): Buffer {
  if (!dictionary) {
    const forum = applyDefaults(SAMPLE, { routeApiAvailable: false });
    const children = buildAll(forum).flatMap((c) => (c.object ? [JSON.stringify(c.object)] : []));
    const text = Buffer.from([...children, SERVER_FIELDS].join(""), "utf8");
    dictionary = text.subarray(Math.max(0, text.length - 32 * 1024));
  }
  return dictionary;
}
