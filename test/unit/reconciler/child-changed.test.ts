import { expect } from "chai";
import type { KubeObject } from "../../../reconciler/client/kube-client.js";
import { childChanged } from "../../../reconciler/informer/owner-key.js";

const baseStatus = { replicas: 3, readyReplicas: 0, updatedReplicas: 3, observedGeneration: 1, conditions: [{ type: "Available", status: "False", lastUpdateTime: "t1" }] };

const deployment = (over: { replicas?: number; rv?: string; status?: Record<string, unknown>; labels?: Record<string, string> } = {}): KubeObject =>
  ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "f-web", namespace: "ns", resourceVersion: over.rv ?? "1", generation: 1, labels: over.labels ?? { a: "b" } },
    spec: { replicas: over.replicas ?? 3 },
    status: over.status ?? baseStatus,
  });

describe("childChanged: which child updates enqueue the owner", () => {
  const base = deployment();
  const cases: { name: string; next: KubeObject; old: KubeObject | undefined; want: boolean }[] = [
    { name: "an add", next: base, old: undefined, want: true },
    { name: "only the resourceVersion", next: deployment({ rv: "2" }), old: base, want: false },
    { name: "a spec change (drift)", next: deployment({ rv: "2", replicas: 7 }), old: base, want: true },
    { name: "a label change", next: deployment({ rv: "2", labels: { a: "c" } }), old: base, want: true },
    { name: "readyReplicas (reported in status)", next: deployment({ rv: "2", status: { ...baseStatus, readyReplicas: 1 } }), old: base, want: true },
    {
      name: "a condition heartbeat (timestamp only)",
      next: deployment({ rv: "2", status: { ...baseStatus, conditions: [{ type: "Available", status: "False", lastUpdateTime: "t2" }] } }),
      old: base,
      want: false,
    },
    { name: "replicas (the last old pod gone: a rollout is complete)", next: deployment({ rv: "2", status: { ...baseStatus, replicas: 4 } }), old: base, want: true },
    { name: "a status field it does not read (unavailableReplicas)", next: deployment({ rv: "2", status: { ...baseStatus, unavailableReplicas: 1 } }), old: base, want: false },
    {
      name: "a condition that changes status",
      next: deployment({ rv: "2", status: { ...baseStatus, conditions: [{ type: "Available", status: "True", lastUpdateTime: "t2" }] } }),
      old: base,
      want: true,
    },
  ];
  for (const c of cases) it(c.name, () => expect(childChanged(c.next, c.old)).to.equal(c.want));

  it("a claim becoming Bound (growth waits for it)", () => {
    const claim = (phase: string, rv: string) => ({ apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: "c", resourceVersion: rv }, spec: {}, status: { phase } }) as unknown as KubeObject;
    expect(childChanged(claim("Bound", "2"), claim("Pending", "1"))).to.equal(true);
  });
});
