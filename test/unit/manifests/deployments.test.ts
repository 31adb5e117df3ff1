import { expect } from "chai";
import type {
  V1Deployment,
  V1NetworkPolicy,
  V1NetworkPolicyPort,
  V1PodDisruptionBudget,
  V1SecurityContext,
  V1Service,
} from "@kubernetes/client-node";
import { OPERATOR_NAMESPACE, WEBHOOK_PORT, WEBHOOK_SERVICE_NAME } from "../../../src/api/constants.js";
import { baseManifests, find, type KubeObject } from "./load.js";

type Deployment = V1Deployment & KubeObject;
const docs = baseManifests();
const deployments = docs.filter((d) => d.object.kind === "Deployment").map((d) => d.object as Deployment);

/** The container securityContext of the `restricted` Pod Security Standard, and a read-only root. */
const RESTRICTED: V1SecurityContext = {
  runAsNonRoot: true,
  readOnlyRootFilesystem: true,
  allowPrivilegeEscalation: false,
  capabilities: { drop: ["ALL"] },
  seccompProfile: { type: "RuntimeDefault" },
};

const cases: Array<{ name: string; component: string; command?: string[]; args: string[]; ports: Record<string, number> }> = [
  {
    name: "discourse-operator-webhook",
    component: "webhook",
    args: ["webhook", `--webhook-port=${WEBHOOK_PORT}`, "--cert-secret=discourse-operator-webhook-cert", "--metrics-bind-address=:8080"],
    ports: { https: WEBHOOK_PORT, metrics: 8080 },
  },
  {
    name: "discourse-operator-reconciler",
    component: "reconciler",
    // the entrypoint with a V8 flag Node refuses in NODE_OPTIONS (heap-flags.test.ts)
    command: ["node", "--optimize-for-size", "dist/src/cli.js"],
    args: ["reconciler", "--leader-elect", "--metrics-bind-address=:8080", "--health-probe-bind-address=:8081"],
    ports: { metrics: 8080, health: 8081 },
  },
];

describe("manifests: operator Deployments", () => {
  it("installs exactly the webhook and the reconciler", () => {
    expect(deployments.map((d) => d.metadata.name).sort()).to.deep.equal(cases.map((c) => c.name).sort());
  });

  for (const c of cases) {
    describe(c.name, () => {
      const d = (): Deployment => find<Deployment>(docs, "Deployment", c.name);
      const pod = (): NonNullable<Deployment["spec"]>["template"] => d().spec!.template;
      const container = (): NonNullable<ReturnType<typeof pod>["spec"]>["containers"][number] => {
        expect(pod().spec!.containers).to.have.length(1);
        return pod().spec!.containers[0]!;
      };

      it("runs 2 replicas in the operator namespace, selecting its own pods", () => {
        expect(d().metadata.namespace).to.equal(OPERATOR_NAMESPACE);
        expect(d().spec!.replicas).to.equal(2);
        const selector = { "app.kubernetes.io/name": "discourse-operator", "app.kubernetes.io/component": c.component };
        expect(d().spec!.selector.matchLabels).to.deep.equal(selector);
        expect(pod().metadata!.labels).to.include(selector);
      });

      it("runs under its own service account", () => {
        expect(pod().spec!.serviceAccountName).to.equal(`discourse-operator-${c.component}`);
        find(docs, "ServiceAccount", `discourse-operator-${c.component}`);
      });

      it("has the restricted securityContext on the pod and on every container", () => {
        expect(pod().spec!.securityContext).to.include({ runAsNonRoot: true });
        expect(pod().spec!.securityContext!.seccompProfile).to.deep.equal({ type: "RuntimeDefault" });
        for (const ctr of [...pod().spec!.containers, ...(pod().spec!.initContainers ?? [])]) {
          expect(ctr.securityContext, ctr.name).to.deep.equal(RESTRICTED);
        }
      });

      it("runs the image's entrypoint with the subcommand and flags the CLI accepts", () => {
        expect(container().image).to.equal("discourse-operator:latest");
        expect(container().command).to.deep.equal(c.command);
        expect(container().args).to.deep.equal(c.args);
      });

      it("names its ports, has probes, requests and limits", () => {
        const ports = Object.fromEntries((container().ports ?? []).map((p): [string, number] => [p.name ?? "", p.containerPort]));
        expect(ports).to.deep.equal(c.ports);
        expect(container().readinessProbe?.httpGet?.path).to.equal("/readyz");
        expect(container().livenessProbe?.httpGet?.path).to.equal("/healthz");
        const r = container().resources!;
        expect(Object.keys(r.requests ?? {}).sort()).to.deep.equal(["cpu", "memory"]);
        expect(Object.keys(r.limits ?? {}).sort()).to.deep.equal(["cpu", "memory"]);
      });

      it("spreads its replicas over nodes and keeps one through voluntary disruptions", () => {
        const spread = pod().spec!.topologySpreadConstraints ?? [];
        expect(spread.map((t) => t.topologyKey)).to.include("kubernetes.io/hostname");
        const pdb = find<V1PodDisruptionBudget & KubeObject>(docs, "PodDisruptionBudget", c.name);
        expect(pdb.spec).to.deep.equal({ minAvailable: 1, selector: d().spec!.selector });
      });

      it("mounts a writable /tmp, since the root filesystem is read-only", () => {
        expect(container().volumeMounts).to.deep.equal([{ name: "tmp", mountPath: "/tmp" }]);
        expect(pod().spec!.volumes?.map((v) => [v.name, v.emptyDir !== undefined])).to.deep.equal([["tmp", true]]);
      });
    });
  }

  it("the webhook probes and serves HTTPS on the webhook port", () => {
    const ctr = find<Deployment>(docs, "Deployment", "discourse-operator-webhook").spec!.template.spec!.containers[0]!;
    for (const probe of [ctr.readinessProbe, ctr.livenessProbe]) expect(probe?.httpGet).to.include({ port: "https", scheme: "HTTPS" });
  });

  it("the webhook Service sends port 443 to the webhook pods' https port", () => {
    const svc = find<V1Service & KubeObject>(docs, "Service", WEBHOOK_SERVICE_NAME);
    expect(svc.metadata.namespace).to.equal(OPERATOR_NAMESPACE);
    expect(svc.spec!.selector).to.deep.equal({ "app.kubernetes.io/name": "discourse-operator", "app.kubernetes.io/component": "webhook" });
    expect(svc.spec!.ports?.find((p) => p.name === "https")).to.deep.equal({ name: "https", port: 443, targetPort: "https", protocol: "TCP" });
  });

  it("the metrics Service reaches the reconciler's metrics port", () => {
    const svc = find<V1Service & KubeObject>(docs, "Service", "discourse-operator-metrics");
    expect(svc.spec!.selector).to.deep.equal({ "app.kubernetes.io/name": "discourse-operator", "app.kubernetes.io/component": "reconciler" });
    expect(svc.spec!.ports).to.deep.equal([{ name: "metrics", port: 8080, targetPort: "metrics", protocol: "TCP" }]);
  });

  it("network policies deny ingress by default and open only the webhook port and metrics", () => {
    const policies = docs.filter((d) => d.object.kind === "NetworkPolicy").map((d) => d.object as V1NetworkPolicy & KubeObject);
    const summary = policies.map((p) => ({
      name: p.metadata.name,
      pods: p.spec!.podSelector.matchLabels?.["app.kubernetes.io/component"] ?? "all",
      types: p.spec!.policyTypes,
      // As written in YAML: the client's type calls `from` `_from`.
      ingress: ((p.spec!.ingress ?? []) as Array<{ ports?: V1NetworkPolicyPort[]; from?: unknown[] }>).map((r) => ({
        ports: (r.ports ?? []).map((port) => port.port),
        from: r.from === undefined ? "anywhere" : JSON.stringify(r.from),
      })),
    }));
    expect(summary).to.deep.equal([
      { name: "discourse-operator-default-deny-ingress", pods: "all", types: ["Ingress"], ingress: [] },
      {
        name: "discourse-operator-webhook",
        pods: "webhook",
        types: ["Ingress"],
        ingress: [
          { ports: [WEBHOOK_PORT], from: "anywhere" },
          { ports: [8080], from: '[{"namespaceSelector":{}}]' },
        ],
      },
      {
        name: "discourse-operator-reconciler",
        pods: "reconciler",
        types: ["Ingress"],
        ingress: [{ ports: [8080], from: '[{"namespaceSelector":{}}]' }],
      },
    ]);
  });
});
