import { expect } from "chai";
import type { V1ClusterRole, V1ClusterRoleBinding, V1PolicyRule, V1Role, V1RoleBinding } from "@kubernetes/client-node";
import {
  MUTATING_CONFIGURATION_NAME,
  OPERATOR_NAMESPACE,
  VALIDATING_CONFIGURATION_NAME,
} from "../../../src/api/constants.js";
import { OWNED_KINDS } from "../../../reconciler/builders/owned-kinds.js";
import { baseManifests, find, type KubeObject } from "./load.js";
import { webhookApiCalls } from "./webhook-calls.js";

const docs = baseManifests();
const roles = docs.filter((d) => d.object.kind === "Role" || d.object.kind === "ClusterRole");
const bindings = docs.filter((d) => d.object.kind === "RoleBinding" || d.object.kind === "ClusterRoleBinding");

describe("manifests: RBAC", () => {
  it("installs the four roles the two service accounts need", () => {
    expect(roles.map((r) => `${r.object.kind}/${r.object.metadata.name}`).sort()).to.deep.equal([
      "ClusterRole/discourse-operator-reconciler",
      "ClusterRole/discourse-operator-webhook",
      "Role/discourse-operator-leader-election",
      "Role/discourse-operator-webhook-cert",
    ]);
  });

  for (const { file, object } of roles) {
    it(`${object.kind}/${object.metadata.name} (${file}) names every verb, resource and group explicitly`, () => {
      const rules = (object as V1Role).rules ?? [];
      expect(rules).to.not.be.empty;
      for (const rule of rules) {
        expect(rule.verbs, JSON.stringify(rule)).to.not.include("*");
        expect(rule.resources ?? [], JSON.stringify(rule)).to.not.be.empty.and.not.include("*");
        expect(rule.apiGroups ?? [], JSON.stringify(rule)).to.not.include("*");
        expect(rule.nonResourceURLs ?? [], JSON.stringify(rule)).to.be.empty;
        expect(rule.resources!.filter((r) => r.includes("*")), JSON.stringify(rule)).to.be.empty;
      }
    });
  }

  it("the webhook may list and watch Discourse objects, get and create Secrets, and patch only its own webhook configurations", () => {
    const role = find<V1ClusterRole & KubeObject>(docs, "ClusterRole", "discourse-operator-webhook");
    expect(role.rules).to.deep.equal([
      { apiGroups: ["discourse.cern"], resources: ["discourses"], verbs: ["list", "watch"] },
      { apiGroups: [""], resources: ["secrets"], verbs: ["get", "create"] },
      {
        apiGroups: ["admissionregistration.k8s.io"],
        resources: ["validatingwebhookconfigurations"],
        resourceNames: [VALIDATING_CONFIGURATION_NAME],
        verbs: ["get", "patch"],
      },
      {
        apiGroups: ["admissionregistration.k8s.io"],
        resources: ["mutatingwebhookconfigurations"],
        resourceNames: [MUTATING_CONFIGURATION_NAME],
        verbs: ["get", "patch"],
      },
    ] satisfies V1PolicyRule[]);
  });

  it("the webhook may update only its certificate Secret, in the operator namespace", () => {
    const role = find<V1Role & KubeObject>(docs, "Role", "discourse-operator-webhook-cert");
    expect(role.metadata.namespace).to.equal(OPERATOR_NAMESPACE);
    expect(role.rules).to.deep.equal([
      { apiGroups: [""], resources: ["secrets"], resourceNames: ["discourse-operator-webhook-cert"], verbs: ["get", "update"] },
    ]);
  });

  it("every verb of the webhook's roles is one its code calls, and every call it makes in a cluster is granted", () => {
    const granted = new Set(
      ["ClusterRole/discourse-operator-webhook", "Role/discourse-operator-webhook-cert"].flatMap((id) => {
        const [kind = "", name = ""] = id.split("/");
        const role = find<V1Role & KubeObject>(docs, kind, name);
        return (role.rules ?? []).flatMap((r) => r.resources!.flatMap((res) => r.verbs.map((v) => `${r.apiGroups![0] || "core"}/${res}: ${v}`)));
      }),
    );
    const used = new Set(webhookApiCalls().filter((c) => !c.developerOnly).map((c) => c.permission));
    expect({ unused: [...granted].filter((g) => !used.has(g)).sort(), ungranted: [...used].filter((u) => !granted.has(u)).sort() }).to.deep.equal({
      unused: [],
      ungranted: [],
    });
  });

  it("the reconciler may manage leases only in the operator namespace", () => {
    const role = find<V1Role & KubeObject>(docs, "Role", "discourse-operator-leader-election");
    expect(role.metadata.namespace).to.equal(OPERATOR_NAMESPACE);
    expect(role.rules).to.deep.equal([{ apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "create", "update"] }]);
  });

  it("the reconciler may manage every kind of child in API.md, read and finalize Discourse objects and write their status", () => {
    const role = find<V1ClusterRole & KubeObject>(docs, "ClusterRole", "discourse-operator-reconciler");
    const granted = (role.rules ?? []).flatMap((r) =>
      r.resources!.flatMap((res) => r.apiGroups!.map((g) => `${g || "core"}/${res}: ${r.verbs.join(",")}`)),
    );
    const manage = "list,watch,create,patch,delete";
    const readManage = `get,${manage}`;
    expect(granted.sort()).to.deep.equal(
      [
        "discourse.cern/discourses: get,list,watch,patch",
        "discourse.cern/discourses/status: patch",
        "discourse.cern/discourses/finalizers: update",
        `apps/deployments: ${manage}`,
        `apps/statefulsets: ${manage}`,
        `core/services: ${manage}`,
        `core/configmaps: ${manage}`,
        `core/secrets: ${readManage}`,
        `core/persistentvolumeclaims: ${readManage}`,
        `batch/jobs: ${manage}`,
        `policy/poddisruptionbudgets: ${manage}`,
        `networking.k8s.io/ingresses: ${manage}`,
        `networking.k8s.io/networkpolicies: ${manage}`,
        `route.openshift.io/routes: ${readManage}`,
        "route.openshift.io/routes/custom-host: create",
        `core/serviceaccounts: ${manage}`,
        `rbac.authorization.k8s.io/rolebindings: ${manage}`,
        "rbac.authorization.k8s.io/clusterroles: bind",
        "core/events: create,patch",
      ].sort(),
    );
  });

  it("the reconciler may manage every kind in OWNED_KINDS (reconciler/builders/owned-kinds.ts)", () => {
    const role = find<V1ClusterRole & KubeObject>(docs, "ClusterRole", "discourse-operator-reconciler");
    const missing = OWNED_KINDS.flatMap((k) => {
      const group = k.apiVersion.includes("/") ? k.apiVersion.split("/")[0]! : "";
      const verbs = new Set((role.rules ?? []).filter((r) => r.apiGroups?.includes(group) && r.resources?.includes(k.plural)).flatMap((r) => r.verbs));
      return ["list", "watch", "create", "patch", "delete"].filter((v) => !verbs.has(v)).map((v) => `${v} ${k.plural}.${group}`);
    });
    expect(missing).to.deep.equal([]);
  });

  it("binds each role to the service account of the process that uses it", () => {
    const pairs = bindings.map(({ object }) => {
      const b = object as (V1RoleBinding | V1ClusterRoleBinding) & KubeObject;
      const subjects = (b.subjects ?? []).map((s) => `${s.kind}:${s.namespace}/${s.name}`);
      return `${b.kind}/${b.metadata.name} -> ${b.roleRef.kind}/${b.roleRef.name} for ${subjects.join(" ")}`;
    });
    const sa = (name: string): string => `ServiceAccount:${OPERATOR_NAMESPACE}/discourse-operator-${name}`;
    expect(pairs.sort()).to.deep.equal(
      [
        `ClusterRoleBinding/discourse-operator-reconciler -> ClusterRole/discourse-operator-reconciler for ${sa("reconciler")}`,
        `ClusterRoleBinding/discourse-operator-webhook -> ClusterRole/discourse-operator-webhook for ${sa("webhook")}`,
        `RoleBinding/discourse-operator-leader-election -> Role/discourse-operator-leader-election for ${sa("reconciler")}`,
        `RoleBinding/discourse-operator-webhook-cert -> Role/discourse-operator-webhook-cert for ${sa("webhook")}`,
      ].sort(),
    );
    for (const name of ["webhook", "reconciler"]) find(docs, "ServiceAccount", `discourse-operator-${name}`);
  });
});
