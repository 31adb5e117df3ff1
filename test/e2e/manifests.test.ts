/**
 * `kubectl apply --dry-run=server -k manifests/`, as a platform team runs it, against the
 * local control plane: the apiserver must accept every object of the base (schema,
 * defaulting, admission, Pod Security `restricted` of the operator namespace), and the
 * RBAC it grants, applied for real, must allow each process exactly what it needs.
 *
 * Two facts of server dry-run shape the setup: an object of a kind whose CRD is not
 * installed cannot be dry-run (so the Discourse CRD is installed for real, as `install`
 * would), and namespaced objects cannot be dry-run into a namespace that does not exist
 * (so the operator Namespace, exactly as manifests/ defines it, is applied for real).
 * The webhook configurations are only ever dry-run: registered for real, they would send
 * every Discourse request of the other tests to a Service with no pods.
 */
import { expect } from "chai";
import { parseAllDocuments } from "yaml";
import { OPERATOR_NAMESPACE } from "../../src/api/constants.js";
import { installCrd, kubectl, newNamespace, type KubectlResult } from "../hooks/control-plane.js";
import { MANIFESTS, type KubeObject } from "../unit/manifests/load.js";

const SAMPLES = `${MANIFESTS}/samples`;
const RBAC_KINDS = new Set(["ServiceAccount", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding"]);

function ok(r: KubectlResult): KubectlResult {
  if (r.code !== 0) throw new Error(`kubectl exited ${r.code}: ${r.stderr}${r.stdout}`);
  return r;
}

function parse(yamlText: string): KubeObject[] {
  return parseAllDocuments(yamlText).map((d) => d.toJS() as KubeObject);
}

function toYaml(objects: KubeObject[]): string {
  return objects.map((o) => JSON.stringify(o)).join("\n---\n");
}

/** How `kubectl apply` names an object in its output: `deployment.apps/name`, `service/name`. */
function ref(o: KubeObject): string {
  const group = o.apiVersion.includes("/") ? `.${o.apiVersion.split("/")[0]}` : "";
  return `${o.kind.toLowerCase()}${group}/${o.metadata.name}`;
}

/** Warning lines of kubectl's stderr, except the one client-side apply prints for objects created without it. */
function warnings(stderr: string): string[] {
  return stderr.split("\n").filter((l) => /^Warning:/.test(l) && !l.includes("last-applied-configuration"));
}

describe("e2e: kubectl apply --dry-run=server -k manifests/", () => {
  let rendered: KubeObject[] = [];

  before(async () => {
    await installCrd();
    rendered = parse(ok(await kubectl(["kustomize", MANIFESTS])).stdout);
    const ns = rendered.filter((o) => o.kind === "Namespace");
    expect(ns.map((o) => o.metadata.name)).to.deep.equal([OPERATOR_NAMESPACE]);
    ok(await kubectl(["apply", "-f", "-"], { input: toYaml(ns) }));
  });

  it("kubectl kustomize renders every kind of the base", () => {
    const kinds = [...new Set(rendered.map((o) => o.kind))].sort();
    expect(kinds).to.deep.equal([
      "ClusterRole",
      "ClusterRoleBinding",
      "CustomResourceDefinition",
      "Deployment",
      "MutatingWebhookConfiguration",
      "Namespace",
      "NetworkPolicy",
      "PodDisruptionBudget",
      "Role",
      "RoleBinding",
      "Service",
      "ServiceAccount",
      "ValidatingWebhookConfiguration",
    ]);
  });

  it("the apiserver accepts every object, with no warning (Pod Security restricted included)", async () => {
    const r = await kubectl(["apply", "--dry-run=server", "-k", MANIFESTS]);
    expect(r.code, r.stderr).to.equal(0);
    const accepted = new Set(
      r.stdout.split("\n").flatMap((l) => {
        const m = /^(\S+) (?:created|configured|unchanged) \(server dry run\)$/.exec(l);
        return m ? [m[1]!] : [];
      }),
    );
    expect(rendered.map(ref).filter((name) => !accepted.has(name))).to.deep.equal([]);
    expect(warnings(r.stderr)).to.deep.equal([]);
  });

  it("the apiserver rejects a Deployment that breaks Pod Security restricted in that namespace (so the check above can fail)", async () => {
    const webhook = rendered.find((o) => o.kind === "Deployment" && o.metadata.name === "discourse-operator-webhook")!;
    const broken = structuredClone(webhook) as KubeObject & { spec: { template: { spec: { containers: Array<Record<string, unknown>> } } } };
    broken.metadata.name = "privileged-probe";
    broken.spec.template.spec.containers[0]!.securityContext = { privileged: true };
    const r = await kubectl(["apply", "--dry-run=server", "-f", "-"], { input: toYaml([broken]) });
    expect(r.stderr).to.match(/would violate PodSecurity "restricted:latest".*privileged/);
  });

  describe("RBAC, applied for real", () => {
    let rbac: KubeObject[] = [];
    before(async () => {
      rbac = rendered.filter((o) => RBAC_KINDS.has(o.kind));
      ok(await kubectl(["apply", "-f", "-"], { input: toYaml(rbac) }));
    });
    after(async () => {
      await kubectl(["delete", "--ignore-not-found", "--wait=false", "-f", "-"], { input: toYaml(rbac) });
    });

    const webhook = `system:serviceaccount:${OPERATOR_NAMESPACE}:discourse-operator-webhook`;
    const reconciler = `system:serviceaccount:${OPERATOR_NAMESPACE}:discourse-operator-reconciler`;
    const elsewhere = "forum-team";
    /** `ns: ALL` asks cluster-wide (`kubectl auth can-i -A`), as the webhook's Discourse informer lists and watches. */
    const ALL = "*";
    const cases: Array<{ as: string; verb: string; what: string; ns?: string; sub?: string; allowed: boolean }> = [
      { as: webhook, verb: "list", what: "discourses.discourse.cern", ns: elsewhere, allowed: true },
      { as: webhook, verb: "watch", what: "discourses.discourse.cern", ns: ALL, allowed: true },
      { as: webhook, verb: "list", what: "discourses.discourse.cern", ns: ALL, allowed: true },
      { as: webhook, verb: "update", what: "discourses.discourse.cern", ns: elsewhere, allowed: false },
      { as: webhook, verb: "get", what: "secrets", ns: elsewhere, allowed: true },
      { as: webhook, verb: "create", what: "secrets", ns: elsewhere, allowed: true },
      { as: webhook, verb: "list", what: "secrets", ns: elsewhere, allowed: false },
      { as: webhook, verb: "watch", what: "secrets", ns: elsewhere, allowed: false },
      { as: webhook, verb: "list", what: "secrets", ns: ALL, allowed: false },
      { as: webhook, verb: "update", what: "secrets", ns: elsewhere, allowed: false },
      { as: webhook, verb: "delete", what: "secrets", ns: elsewhere, allowed: false },
      { as: webhook, verb: "update", what: "secrets/discourse-operator-webhook-cert", ns: OPERATOR_NAMESPACE, allowed: true },
      { as: webhook, verb: "update", what: "secrets/some-other-secret", ns: OPERATOR_NAMESPACE, allowed: false },
      { as: webhook, verb: "patch", what: "validatingwebhookconfigurations/discourse-operator-validating", allowed: true },
      { as: webhook, verb: "patch", what: "mutatingwebhookconfigurations/discourse-operator-mutating", allowed: true },
      { as: webhook, verb: "patch", what: "validatingwebhookconfigurations/someone-elses", allowed: false },
      { as: webhook, verb: "create", what: "validatingwebhookconfigurations", allowed: false },
      { as: webhook, verb: "create", what: "deployments.apps", ns: elsewhere, allowed: false },
      { as: reconciler, verb: "watch", what: "discourses.discourse.cern", ns: elsewhere, allowed: true },
      { as: reconciler, verb: "patch", what: "discourses.discourse.cern", ns: elsewhere, allowed: true },
      { as: reconciler, verb: "delete", what: "discourses.discourse.cern", ns: elsewhere, allowed: false },
      { as: reconciler, verb: "patch", what: "discourses.discourse.cern", sub: "status", ns: elsewhere, allowed: true },
      { as: reconciler, verb: "update", what: "discourses.discourse.cern", sub: "status", ns: elsewhere, allowed: false },
      { as: reconciler, verb: "update", what: "deployments.apps", ns: elsewhere, allowed: false },
      { as: reconciler, verb: "delete", what: "leases.coordination.k8s.io", ns: OPERATOR_NAMESPACE, allowed: false },
      { as: reconciler, verb: "update", what: "discourses.discourse.cern", sub: "finalizers", ns: elsewhere, allowed: true },
      { as: reconciler, verb: "create", what: "deployments.apps", ns: elsewhere, allowed: true },
      { as: reconciler, verb: "delete", what: "statefulsets.apps", ns: elsewhere, allowed: true },
      { as: reconciler, verb: "patch", what: "persistentvolumeclaims", ns: elsewhere, allowed: true },
      { as: reconciler, verb: "create", what: "jobs.batch", ns: elsewhere, allowed: true },
      { as: reconciler, verb: "create", what: "networkpolicies.networking.k8s.io", ns: elsewhere, allowed: true },
      { as: reconciler, verb: "create", what: "events", ns: elsewhere, allowed: true },
      { as: reconciler, verb: "create", what: "events.events.k8s.io", ns: elsewhere, allowed: false },
      { as: reconciler, verb: "create", what: "pods", ns: elsewhere, allowed: false },
      { as: reconciler, verb: "create", what: "pods", sub: "exec", ns: elsewhere, allowed: false },
      { as: reconciler, verb: "update", what: "leases.coordination.k8s.io", ns: OPERATOR_NAMESPACE, allowed: true },
      { as: reconciler, verb: "update", what: "leases.coordination.k8s.io", ns: elsewhere, allowed: false },
      { as: reconciler, verb: "create", what: "clusterrolebindings.rbac.authorization.k8s.io", allowed: false },
      { as: reconciler, verb: "patch", what: "validatingwebhookconfigurations/discourse-operator-validating", allowed: false },
    ];
    for (const c of cases) {
      const who = c.as === webhook ? "webhook" : "reconciler";
      const where = c.ns === ALL ? "all namespaces" : c.ns === OPERATOR_NAMESPACE ? "its namespace" : "another namespace";
      const what = `${c.what}${c.sub ? `/${c.sub}` : ""}${c.ns ? ` in ${where}` : ""}`;
      it(`the ${who} ${c.allowed ? "may" : "may not"} ${c.verb} ${what}`, async () => {
        const args = ["auth", "can-i", c.verb, c.what, `--as=${c.as}`, ...(c.ns === ALL ? ["-A"] : c.ns ? ["-n", c.ns] : []), ...(c.sub ? [`--subresource=${c.sub}`] : [])];
        const r = await kubectl(args);
        expect(r.stdout.trim(), r.stderr).to.equal(c.allowed ? "yes" : "no");
      });
    }
  });

  describe("namespaced install (manifests/overlays/namespaced)", () => {
    const OVERLAY = `${MANIFESTS}/overlays/namespaced`;
    const FORUMS = "discourse-forums";
    let objects: KubeObject[] = [];
    let rbac: KubeObject[] = [];
    before(async () => {
      objects = parse(ok(await kubectl(["kustomize", OVERLAY])).stdout);
      // server dry-run needs the namespaces to exist (see the file comment)
      ok(await kubectl(["apply", "-f", "-"], { input: toYaml(objects.filter((o) => o.kind === "Namespace")) }));
      rbac = objects.filter((o) => RBAC_KINDS.has(o.kind));
      ok(await kubectl(["apply", "-f", "-"], { input: toYaml(rbac) }));
    });
    after(async () => {
      await kubectl(["delete", "--ignore-not-found", "--wait=false", "-f", "-"], { input: toYaml(rbac) });
    });

    it("the apiserver accepts every object of the overlay, with no warning", async () => {
      const r = await kubectl(["apply", "--dry-run=server", "-k", OVERLAY]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/^role\.rbac\.authorization\.k8s\.io\/discourse-operator-reconciler (created|configured|unchanged) \(server dry run\)$/m);
      expect(r.stdout).to.not.match(/^clusterrole\S*\/discourse-operator-reconciler /m);
      expect(warnings(r.stderr)).to.deep.equal([]);
    });

    it("the reconciler gets no ClusterRole and watches only the forums' namespace", () => {
      expect(objects.filter((o) => o.kind.startsWith("Cluster") && o.metadata.name === "discourse-operator-reconciler")).to.deep.equal([]);
      const deployment = objects.find((o) => o.kind === "Deployment" && o.metadata.name === "discourse-operator-reconciler") as KubeObject & { spec: { template: { spec: { containers: { args: string[] }[] } } } };
      expect(deployment.spec.template.spec.containers[0]?.args).to.include(`--namespace=${FORUMS}`);
    });

    const reconciler = `system:serviceaccount:${OPERATOR_NAMESPACE}:discourse-operator-reconciler`;
    const cases = [
      { verb: "watch", what: "discourses.discourse.cern", ns: FORUMS, allowed: true },
      { verb: "create", what: "deployments.apps", ns: FORUMS, allowed: true },
      { verb: "delete", what: "persistentvolumeclaims", ns: FORUMS, allowed: true },
      { verb: "update", what: "leases.coordination.k8s.io", ns: OPERATOR_NAMESPACE, allowed: true },
      { verb: "watch", what: "discourses.discourse.cern", ns: "someone-else", allowed: false },
      { verb: "create", what: "secrets", ns: "someone-else", allowed: false },
      { verb: "list", what: "secrets", ns: "*", allowed: false },
    ];
    for (const c of cases) {
      it(`the reconciler ${c.allowed ? "may" : "may not"} ${c.verb} ${c.what} in ${c.ns === "*" ? "all namespaces" : c.ns}`, async () => {
        const r = await kubectl(["auth", "can-i", c.verb, c.what, `--as=${reconciler}`, ...(c.ns === "*" ? ["-A"] : ["-n", c.ns])]);
        expect(r.stdout.trim(), r.stderr).to.equal(c.allowed ? "yes" : "no");
      });
    }
  });

  describe("sharded install (manifests/overlays/sharded)", () => {
    const dir = `${MANIFESTS}/overlays/sharded`;
    let sharded: KubeObject[] = [];
    before(async () => {
      sharded = parse(ok(await kubectl(["kustomize", dir])).stdout);
    });

    it("renders three reconciler Deployments of 2 replicas, one per shard, instead of the base's one", () => {
      type Deployment = KubeObject & { spec: { replicas: number; selector: { matchLabels: Record<string, string> }; template: { spec: { containers: Array<{ args: string[] }> } } } };
      const reconcilers = (sharded.filter((o) => o.kind === "Deployment" && o.metadata.name.startsWith("discourse-operator-reconciler")) as Deployment[])
        .map((d) => [d.metadata.name, d.spec.replicas, d.spec.selector.matchLabels["discourse.cern/shard"], d.spec.template.spec.containers[0]!.args.filter((a) => a.startsWith("--shard") || a === "--leader-elect")]);
      expect(reconcilers).to.deep.equal([0, 1, 2].map((i) => [`discourse-operator-reconciler-shard-${i}`, 2, String(i), ["--leader-elect", `--shard=${i}/3`]]));
      const pdbs = sharded.filter((o) => o.kind === "PodDisruptionBudget").map((o) => o.metadata.name);
      expect(pdbs).to.deep.equal(["discourse-operator-reconciler-shard-0", "discourse-operator-reconciler-shard-1", "discourse-operator-reconciler-shard-2", "discourse-operator-webhook"]);
    });

    it("the apiserver accepts every object, with no warning", async () => {
      const r = await kubectl(["apply", "--dry-run=server", "-k", dir]);
      expect(r.code, r.stderr).to.equal(0);
      const accepted = r.stdout.split("\n").filter((l) => l.endsWith("(server dry run)")).length;
      expect(accepted).to.equal(sharded.length);
      expect(warnings(r.stderr)).to.deep.equal([]);
    });
  });

  describe("samples", () => {
    it("the apiserver accepts the three CERN forums", async () => {
      const ns = await newNamespace("samples");
      const r = await kubectl(["apply", "--dry-run=server", "-n", ns, "-k", SAMPLES]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout.trim().split("\n").sort()).to.deep.equal(
        ["eos-community", "marketplace", "root-forum"].map((n) => `discourse.discourse.cern/${n} created (server dry run)`),
      );
    });

    it("the CRD schema rejects broken-forum, naming each field", async () => {
      const ns = await newNamespace("samples-invalid");
      const r = await kubectl(["apply", "--dry-run=server", "-n", ns, "-f", `${SAMPLES}/invalid/broken-forum.yaml`]);
      expect(r.code).to.not.equal(0);
      expect(r.stderr).to.include('The Discourse "broken-forum" is invalid');
      // spec.version has no CRD pattern (only a length): the validating webhook answers a
      // floating tag in words (webhooks/validation/rules/version.ts), and it does not run here.
      for (const field of ["spec.replicas", "spec.developerEmails[0]"]) expect(r.stderr).to.include(`${field}: Invalid value`);
    });
  });
});
