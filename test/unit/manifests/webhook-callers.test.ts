/**
 * The two kustomize components that say who may cause side effects
 * (docs/admission-callers.md), rendered over the base with `kubectl kustomize`
 * as a user's overlay would: the network one restricts port 9443 to the
 * control-plane CIDRs and adds --trust-network; the client-certificate one
 * mounts the client CA and adds --client-ca and --client-cn.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { parseAllDocuments } from "yaml";
import { MANIFESTS, type KubeObject } from "./load.js";

function render(component: string): KubeObject[] {
  const dir = mkdtempSync(join(tmpdir(), "overlay-"));
  try {
    const base = relative(dir, MANIFESTS);
    writeFileSync(join(dir, "kustomization.yaml"), `resources:\n  - ${base}\ncomponents:\n  - ${join(base, "components", component)}\n`);
    const out = execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    return parseAllDocuments(out).map((d) => d.toJS() as KubeObject);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Container {
  args: string[];
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}
const webhookPod = (docs: KubeObject[]): { containers: Container[]; volumes?: Array<{ name: string; secret?: { secretName: string } }> } => {
  const d = docs.find((o) => o.kind === "Deployment" && o.metadata.name === "discourse-operator-webhook") as unknown as {
    spec: { template: { spec: { containers: Container[]; volumes?: Array<{ name: string; secret?: { secretName: string } }> } } };
  };
  return d.spec.template.spec;
};

describe("manifests: components for the webhook's callers", function () {
  this.timeout(30_000);

  it("webhook-callers-network: port 9443 only from the control-plane CIDRs, and --trust-network", () => {
    const docs = render("webhook-callers-network");
    const policy = docs.find((o) => o.kind === "NetworkPolicy" && o.metadata.name === "discourse-operator-webhook") as unknown as {
      spec: { ingress: Array<{ from?: unknown[]; ports: Array<{ port: number }> }> };
    };
    expect(policy.spec.ingress[0]).to.deep.equal({
      from: [{ ipBlock: { cidr: "192.0.2.0/24" } }, { ipBlock: { cidr: "198.51.100.0/24" } }],
      ports: [{ port: 9443, protocol: "TCP" }],
    });
    expect(webhookPod(docs).containers[0]?.args).to.include("--trust-network");
  });

  it("webhook-callers-client-certificate: the client CA mounted from its Secret, --client-ca and --client-cn", () => {
    const pod = webhookPod(render("webhook-callers-client-certificate"));
    expect(pod.containers[0]?.args).to.include.members(["--client-ca=/etc/discourse-operator/client-ca/ca.crt", "--client-cn=kube-apiserver-admission-client"]);
    expect(pod.containers[0]?.volumeMounts).to.deep.include({ name: "client-ca", mountPath: "/etc/discourse-operator/client-ca", readOnly: true });
    expect(pod.volumes).to.deep.include({ name: "client-ca", secret: { secretName: "discourse-operator-webhook-client-ca" } });
  });

  it("the base alone trusts no caller: neither flag is set", () => {
    const docs = parseAllDocuments(execFileSync("kubectl", ["kustomize", MANIFESTS], { encoding: "utf8" })).map((d) => d.toJS() as KubeObject);
    const args = webhookPod(docs).containers[0]?.args ?? [];
    expect(args.filter((a) => a.startsWith("--client-ca") || a === "--trust-network")).to.deep.equal([]);
  });
});
