import { expect } from "chai";
import { describeDrift, findDrift, type FieldDrift } from "../../../reconciler/apply/compare.js";
import { sameQuantity } from "../../../reconciler/apply/quantity.js";

const live = {
  metadata: { name: "f-web", labels: { a: "1", extra: "x" }, resourceVersion: "5", managedFields: [] },
  spec: {
    replicas: 7,
    revisionHistoryLimit: 10,
    template: {
      spec: {
        containers: [{ name: "web", image: "d:1", resources: { requests: { memory: "1Gi", cpu: "500m" } }, terminationMessagePath: "/dev/x" }],
      },
    },
  },
  status: { readyReplicas: 0 },
};

describe("findDrift", () => {
  const cases: { name: string; desired: object; want: FieldDrift[] }[] = [
    { name: "a subset of live is no drift (server defaults, status, extra labels ignored)", desired: { metadata: { name: "f-web", labels: { a: "1" } }, spec: { template: { spec: { containers: [{ name: "web", image: "d:1" }] } } } }, want: [] },
    { name: "quantities compare by amount", desired: { spec: { template: { spec: { containers: [{ name: "web", resources: { requests: { memory: "1024Mi", cpu: 0.5 } } }] } } } }, want: [] },
    { name: "a changed scalar", desired: { spec: { replicas: 3 } }, want: [{ path: "spec.replicas", live: 7, desired: 3 }] },
    { name: "a changed image inside a named list element", desired: { spec: { template: { spec: { containers: [{ name: "web", image: "d:2" }] } } } }, want: [{ path: "spec.template.spec.containers[web].image", live: "d:1", desired: "d:2" }] },
    { name: "a list of another length", desired: { spec: { template: { spec: { containers: [{ name: "web" }, { name: "side" }] } } } }, want: [{ path: "spec.template.spec.containers", live: live.spec.template.spec.containers, desired: [{ name: "web" }, { name: "side" }] }] },
    { name: "a missing label", desired: { metadata: { labels: { b: "2" } } }, want: [{ path: "metadata.labels.b", live: undefined, desired: "2" }] },
    { name: "desired zero values match absent fields", desired: { spec: { paused: false, minReadySeconds: 0, template: { metadata: { annotations: {} } } } }, want: [] },
    { name: "a different memory amount", desired: { spec: { template: { spec: { containers: [{ name: "web", resources: { requests: { memory: "2Gi" } } }] } } } }, want: [{ path: "spec.template.spec.containers[web].resources.requests.memory", live: "1Gi", desired: "2Gi" }] },
  ];
  for (const c of cases) it(c.name, () => expect(findDrift(c.desired, live)).to.deep.equal(c.want));
});

describe("describeDrift", () => {
  it("names path, old and new value", () => {
    expect(describeDrift([{ path: "spec.replicas", live: 7, desired: 3 }])).to.equal("spec.replicas 7 → 3");
  });
  it("hides values for Secrets", () => {
    expect(describeDrift([{ path: "data.password", live: "c2VjcmV0", desired: "b3RoZXI=" }], true)).to.equal("data.password");
  });
});

describe("sameQuantity", () => {
  const cases: [unknown, unknown, boolean][] = [
    ["1Gi", "1073741824", true],
    ["1Gi", "1024Mi", true],
    ["500m", "0.5", true],
    ["1e3", "1k", true],
    ["10G", 1e10, true],
    ["1.5Ki", 1536, true],
    ["1Gi", "1G", false],
    ["abc", "abc", false],
    [undefined, "1", false],
  ];
  for (const [a, b, want] of cases) it(`${String(a)} vs ${String(b)}: ${want}`, () => expect(sameQuantity(a, b)).to.equal(want));
});
