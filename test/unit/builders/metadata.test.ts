import { expect } from "chai";
import { childMeta, childName, ownerReference, selectorLabels } from "../../../reconciler/builders/metadata.js";
import { rootForum } from "./fixtures.js";

describe("builders/metadata", () => {
  const names = [
    { name: "suffix", suffix: "web", want: "root-forum-web" },
    { name: "empty suffix is the Discourse's name", suffix: "", want: "root-forum" },
  ];
  for (const c of names) it(`childName: ${c.name}`, () => expect(childName(rootForum(), c.suffix)).to.equal(c.want));

  it("childMeta: name, namespace, four labels, controller owner reference", () => {
    expect(childMeta(rootForum(), "web", "root-forum-web")).to.deep.equal({
      name: "root-forum-web",
      namespace: "forums",
      labels: {
        "app.kubernetes.io/name": "discourse",
        "app.kubernetes.io/instance": "root-forum",
        "app.kubernetes.io/component": "web",
        "app.kubernetes.io/managed-by": "discourse-operator",
      },
      ownerReferences: [
        {
          apiVersion: "discourse.cern/v1alpha1",
          kind: "Discourse",
          name: "root-forum",
          uid: "0b5e7c1e-1111-4a6b-9c1d-000000000001",
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    });
  });

  it("childMeta returns fresh objects (callers may extend them)", () => {
    const a = childMeta(rootForum(), "web", "x");
    a.labels!.extra = "1";
    expect(childMeta(rootForum(), "web", "x").labels).to.not.have.property("extra");
  });

  it("selectorLabels: name, instance, component only", () => {
    expect(selectorLabels(rootForum(), "redis")).to.deep.equal({
      "app.kubernetes.io/name": "discourse",
      "app.kubernetes.io/instance": "root-forum",
      "app.kubernetes.io/component": "redis",
    });
  });

  const missing = [
    { name: "uid", drop: "uid" as const },
    { name: "namespace", drop: "namespace" as const },
    { name: "name", drop: "name" as const },
  ];
  for (const c of missing) {
    it(`ownerReference throws without metadata.${c.name}`, () => {
      const obj = rootForum();
      delete obj.metadata[c.drop];
      expect(() => ownerReference(obj)).to.throw("Discourse metadata needs name, namespace and uid to build children");
    });
  }
});
