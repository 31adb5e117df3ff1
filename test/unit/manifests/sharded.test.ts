import { expect } from "chai";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { parseShard } from "../../../reconciler/shard/shard.js";
import { MANIFESTS, readDocs, type KubeObject } from "./load.js";

const OVERLAY = join(MANIFESTS, "overlays", "sharded");

interface ShardKustomization {
  resources: string[];
  nameSuffix: string;
  labels: Array<{ pairs: Record<string, string>; includeSelectors: boolean; includeTemplates: boolean }>;
  patches: Array<{ target: { kind: string }; patch: string }>;
}

describe("manifests: the sharded overlay", () => {
  const folders = readdirSync(OVERLAY).filter((f) => f.startsWith("shard-")).sort();

  it("takes the base's Namespace as it is", () => {
    expect(readDocs(join(OVERLAY, "operator-namespace.yaml"))).to.deep.equal(readDocs(join(MANIFESTS, "namespace.yaml")));
  });

  it("keeps the base's reconciler Deployment and PodDisruptionBudget as the template of every shard", () => {
    const [base] = readDocs(join(MANIFESTS, "operator", "reconciler-deployment.yaml"));
    const [shard] = readDocs(join(OVERLAY, "reconciler", "deployment.yaml"));
    expect(shard).to.deep.equal(base);
    const basePdb = readDocs(join(MANIFESTS, "operator", "pod-disruption-budgets.yaml")).find((o) => o.metadata.name === "discourse-operator-reconciler");
    const [shardPdb] = readDocs(join(OVERLAY, "reconciler", "pod-disruption-budget.yaml"));
    expect(shardPdb).to.deep.equal(basePdb);
  });

  it("has one folder per shard, each adding --shard=<i>/<count>, the name suffix and the shard label", () => {
    expect(folders).to.have.length.greaterThan(1);
    const [overlay] = readDocs(join(OVERLAY, "kustomization.yaml")) as Array<KubeObject & { resources: string[] }>;
    expect(overlay?.resources.filter((r) => r.startsWith("shard-"))).to.deep.equal(folders);
    const shards = folders.map((folder, i) => {
      const [k] = readDocs(join(OVERLAY, folder, "kustomization.yaml")) as unknown as ShardKustomization[];
      expect(folder).to.equal(`shard-${i}`);
      expect(k?.resources).to.deep.equal(["../reconciler"]);
      expect(k?.nameSuffix).to.equal(`-shard-${i}`);
      expect(k?.labels).to.deep.equal([{ pairs: { "discourse.cern/shard": String(i) }, includeSelectors: true, includeTemplates: true }]);
      const arg = /value: --shard=(\S+)/.exec(k?.patches[0]?.patch ?? "")?.[1] ?? "";
      return parseShard(arg);
    });
    expect(shards).to.deep.equal(folders.map((_, index) => ({ index, count: folders.length })));
  });
});
