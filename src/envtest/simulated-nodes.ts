/**
 * What the local control plane creates once its apiserver answers: three Nodes
 * that KWOK simulates, and the default StorageClass served by
 * kube-controller-manager's host-path provisioner. Pure builders; the launcher
 * writes them.
 */
import { join } from "node:path";
import { REPO_ROOT } from "./binaries.js";

/** Label that selects the Nodes KWOK manages (`kwok --manage-nodes-with-label-selector`). */
export const SIMULATED_NODE_LABEL = { key: "type", value: "kwok" } as const;

/** The KWOK Stages (node and pod lifecycle, failure markers): test/envtest/kwok/stages.yaml. */
export const KWOK_STAGES_PATH = join(REPO_ROOT, "test", "envtest", "kwok", "stages.yaml");

/** Zones the nodes spread over (`topology.kubernetes.io/zone`, a well-known label). */
export const ZONES = ["zone-a", "zone-b"] as const;

/**
 * Allocatable resources of each node: a common 32-core, 128 GiB machine. The
 * three samples (about 10 CPUs and 17 GiB of requests, migrations and surge
 * pods included) fit with room for the other forums a test run creates; a
 * request above 32 CPUs fits on no node and stays Pending (reason
 * Unschedulable). 110 pods is the kubelet's default `maxPods`.
 */
export const NODE_ALLOCATABLE = { cpu: "32", memory: "128Gi", pods: "110" } as const;

/** Names of the simulated nodes. */
export const NODE_NAMES = ["kwok-node-1", "kwok-node-2", "kwok-node-3"] as const;

/**
 * Node `i` (0-based): hostname, zone (alternating over ZONES), OS/arch labels as a
 * kubelet sets them, its own pod CIDR (KWOK hands pod IPs out of it) and an
 * InternalIP. Status is written at creation as a kubelet registering does;
 * KWOK's node-initialize Stage then reports it Ready.
 */
export function simulatedNode(i: number): Record<string, unknown> {
  const name = NODE_NAMES[i];
  if (!name) throw new Error(`no simulated node ${i}`);
  return {
    apiVersion: "v1",
    kind: "Node",
    metadata: {
      name,
      labels: {
        "kubernetes.io/hostname": name,
        "kubernetes.io/os": "linux",
        "kubernetes.io/arch": "amd64",
        "topology.kubernetes.io/zone": ZONES[i % ZONES.length],
        [SIMULATED_NODE_LABEL.key]: SIMULATED_NODE_LABEL.value,
      },
      annotations: { "node.alpha.kubernetes.io/ttl": "0" },
    },
    spec: { podCIDR: `10.244.${i}.0/24`, podCIDRs: [`10.244.${i}.0/24`] },
    status: {
      allocatable: { ...NODE_ALLOCATABLE },
      capacity: { ...NODE_ALLOCATABLE },
      addresses: [
        { type: "InternalIP", address: `172.18.0.${i + 2}` },
        { type: "Hostname", address: name },
      ],
    },
  };
}

/** Name of the default StorageClass. */
export const DEFAULT_STORAGE_CLASS = "standard";

/**
 * The default StorageClass (annotation `storageclass.kubernetes.io/is-default-class`):
 * provisioner `kubernetes.io/host-path`, the in-tree plugin that
 * kube-controller-manager runs with `--enable-hostpath-provisioner` (for
 * single-node testing: it makes a folder under /tmp/hostpath_pv/ on this machine and
 * removes it when the volume is deleted). Immediate binding, so a claim binds
 * before any pod uses it; expansion allowed, so a grown claim is accepted.
 */
export function defaultStorageClass(): Record<string, unknown> {
  return {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: DEFAULT_STORAGE_CLASS, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
    provisioner: "kubernetes.io/host-path",
    reclaimPolicy: "Delete",
    volumeBindingMode: "Immediate",
    allowVolumeExpansion: true,
  };
}
