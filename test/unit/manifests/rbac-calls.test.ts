/**
 * Least privilege, both ways: the reconciler's roles grant exactly the calls its code
 * makes (reconciler/client/api-calls.ts, the table its API clients enforce), in the
 * base (ClusterRole) and in the namespaced overlay (Role in the watched namespace).
 */
import { expect } from "chai";
import type { V1PolicyRule } from "@kubernetes/client-node";
import { join } from "node:path";
import { groupResource, RECONCILER_API_CALLS, type ApiCall } from "../../../reconciler/client/api-calls.js";
import { baseManifests, find, kustomizationResources, MANIFESTS, readDocs, type KubeObject } from "./load.js";

const OVERLAY = "overlays/namespaced";

/** `group/resource: verb` for every verb of the calls of `scope`. */
function fromTable(scope: ApiCall["scope"]): string[] {
  return RECONCILER_API_CALLS.filter((c) => c.scope === scope)
    .flatMap((c) => {
      const { group, resource } = groupResource(c);
      const names = c.resourceNames ? `[${c.resourceNames.join(",")}]` : "";
      return c.verbs.map((v) => `${group || "core"}/${resource}${names}: ${v}`);
    })
    .sort();
}

/** The same for the rules of a role. */
function fromRules(rules: V1PolicyRule[] | undefined): string[] {
  return (rules ?? [])
    .flatMap((r) => {
      const names = r.resourceNames ? `[${r.resourceNames.join(",")}]` : "";
      return r.apiGroups!.flatMap((g) => r.resources!.flatMap((res) => r.verbs.map((v) => `${g || "core"}/${res}${names}: ${v}`)));
    })
    .sort();
}

type Role = KubeObject & { rules?: V1PolicyRule[] };
const overlayDocs = (file: string): KubeObject[] => readDocs(join(MANIFESTS, OVERLAY, file));

describe("manifests: the reconciler's RBAC is the table of calls its code makes", () => {
  const base = baseManifests();

  it("the ClusterRole grants exactly the calls in the watched namespaces", () => {
    expect(fromRules(find<Role>(base, "ClusterRole", "discourse-operator-reconciler").rules)).to.deep.equal(fromTable("forums"));
  });

  it("the leader-election Role grants exactly the Lease calls", () => {
    expect(fromRules(find<Role>(base, "Role", "discourse-operator-leader-election").rules)).to.deep.equal(fromTable("operator"));
  });

  it("every entry names the code that sends it, or the API server check that implies it", () => {
    for (const c of RECONCILER_API_CALLS) expect(c.why, `${c.kind}`).to.have.length.greaterThan(10);
    const implied = RECONCILER_API_CALLS.filter((c) => c.impliedBy).map((c) => `${c.kind}${c.subresource ? `/${c.subresource}` : ""} ${c.verbs.join(",")}`);
    expect(implied).to.deep.equal(["Discourse/finalizers update", "Route/custom-host create", "ClusterRole bind"]);
  });

  it("no child is ever updated (PUT) or read by name unless the code does", () => {
    const children = RECONCILER_API_CALLS.filter((c) => !["Discourse", "Lease", "Event", "ClusterRole"].includes(c.kind) && !c.subresource);
    expect(children.filter((c) => c.verbs.includes("update")).map((c) => c.kind)).to.deep.equal([]);
    expect(children.filter((c) => c.verbs.includes("get")).map((c) => c.kind).sort()).to.deep.equal(["PersistentVolumeClaim", "Route", "Secret"]);
  });
});

describe("manifests: namespaced overlay (manifests/overlays/namespaced)", () => {
  const [kustomization] = overlayDocs("kustomization.yaml") as Array<KubeObject & { patches?: Array<{ patch: string; target?: { kind: string; name: string } }> }>;
  const [role, binding] = overlayDocs("reconciler-role.yaml") as [Role, KubeObject & { roleRef: { kind: string; name: string }; subjects: unknown[] }];
  const [forums] = overlayDocs("forums-namespace.yaml");

  it("gives the reconciler a Role with exactly the calls of the watched namespace, bound in that namespace", () => {
    expect(role.kind).to.equal("Role");
    expect(role.metadata.namespace).to.equal(forums?.metadata.name);
    expect(fromRules(role.rules)).to.deep.equal(fromTable("forums"));
    expect(binding.metadata.namespace).to.equal(forums?.metadata.name);
    expect(binding.roleRef).to.deep.include({ kind: "Role", name: role.metadata.name });
    expect(binding.subjects).to.deep.equal([{ kind: "ServiceAccount", name: "discourse-operator-reconciler", namespace: "discourse-operator-system" }]);
  });

  it("deletes the reconciler's ClusterRole and ClusterRoleBinding and makes it watch that one namespace", () => {
    const patches = (kustomization?.patches ?? []).map((p) => p.patch);
    for (const kind of ["ClusterRole", "ClusterRoleBinding"]) expect(patches.some((p) => p.includes("$patch: delete") && p.includes(`kind: ${kind}\n`) && p.includes("name: discourse-operator-reconciler"))).to.equal(true);
    expect(patches.some((p) => p.includes(`value: --namespace=${forums?.metadata.name}`))).to.equal(true);
  });

  it("takes every part of the base: its folders' kustomizations list the same files as the base, the namespace is the base's", () => {
    const resources = kustomizationResources(OVERLAY);
    const folders = resources.filter((r) => r.startsWith("../../")).map((r) => r.slice(6));
    const baseFiles = kustomizationResources();
    for (const folder of folders) {
      expect(kustomizationResources(folder).map((f) => `${folder}/${f}`).sort(), folder).to.deep.equal(baseFiles.filter((f) => f.startsWith(`${folder}/`)).sort());
    }
    expect(baseFiles.filter((f) => f.includes("/") && !folders.some((d) => f.startsWith(`${d}/`)))).to.deep.equal([]);
    expect(overlayDocs("operator-namespace.yaml")).to.deep.equal(readDocs(join(MANIFESTS, "namespace.yaml")));
  });
});
