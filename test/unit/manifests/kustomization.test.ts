import { expect } from "chai";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CRD_NAME, OPERATOR_NAMESPACE } from "../../../src/api/constants.js";
import { MANIFESTS, baseManifests, kustomizationResources, readDocs, readManifests } from "./load.js";

/** Kinds without a namespace, of those the base installs. */
const CLUSTER_SCOPED = new Set([
  "Namespace",
  "CustomResourceDefinition",
  "ClusterRole",
  "ClusterRoleBinding",
  "ValidatingWebhookConfiguration",
  "MutatingWebhookConfiguration",
]);

describe("manifests: kustomization", () => {
  const resources = kustomizationResources();

  it("lists the generated CRD and webhook configurations", () => {
    expect(resources).to.include.members([`crd/${CRD_NAME}.yaml`, "webhook/validating.yaml", "webhook/mutating.yaml"]);
  });

  for (const file of resources) {
    it(`lists ${file}, which exists${file.startsWith("crd/") || file.startsWith("webhook/") ? " (run `npm run manifests`)" : ""}`, () => {
      expect(existsSync(join(MANIFESTS, file)), file).to.equal(true);
    });
  }

  it("lists every hand-written YAML file of the base, so none is forgotten", () => {
    const handWritten = readManifests()
      .map((d) => d.file)
      .filter((f) => !f.startsWith("samples/") && !f.startsWith("components/") && !f.startsWith("overlays/") && !f.endsWith("kustomization.yaml"));
    expect(resources).to.include.members([...new Set(handWritten)]);
  });

  it("puts every namespaced object in the operator namespace, and the namespace first", () => {
    const docs = baseManifests();
    expect(docs[0]?.object).to.deep.include({ kind: "Namespace" });
    expect(docs[0]?.object.metadata.name).to.equal(OPERATOR_NAMESPACE);
    const misplaced = docs
      .filter((d) => !CLUSTER_SCOPED.has(d.object.kind) && d.object.metadata.namespace !== OPERATOR_NAMESPACE)
      .map((d) => `${d.object.kind}/${d.object.metadata.name}`);
    expect(misplaced).to.deep.equal([]);
    const [k] = readDocs(join(MANIFESTS, "kustomization.yaml"));
    expect(k).to.deep.include({ namespace: OPERATOR_NAMESPACE });
  });

  it("lets kustomize `images:` set the operator image", () => {
    const [k] = readDocs(join(MANIFESTS, "kustomization.yaml"));
    expect(k).to.deep.include({ images: [{ name: "discourse-operator", newName: "discourse-operator", newTag: "latest" }] });
  });

  it("samples/kustomization.yaml lists every valid sample, and not the invalid ones", () => {
    const files = readdirSync(join(MANIFESTS, "samples")).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml");
    expect(kustomizationResources("samples").sort()).to.deep.equal(files.sort());
  });
});
