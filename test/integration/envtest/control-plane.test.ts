import { CoreV1Api, V1ConfigMap } from "@kubernetes/client-node";
import { expect } from "chai";
import { setTimeout as sleep } from "node:timers/promises";
import { env, kubectl, newNamespace } from "../../hooks/control-plane.js";

describe("local control plane", () => {
  it("serves the built-in namespaces to kubectl", async () => {
    const res = await kubectl(["get", "namespaces", "-o", "name"]);
    expect(res.code, res.stderr).to.equal(0);
    for (const ns of ["default", "kube-system", "kube-public"]) expect(res.stdout).to.include(`namespace/${ns}`);
  });

  it("garbage-collects a ConfigMap after its owner ConfigMap is deleted", async () => {
    const ns = await newNamespace("gc");
    const core = env().kc.makeApiClient(CoreV1Api);
    const owner = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "owner" }, data: { a: "1" } } });
    const dependent: V1ConfigMap = {
      metadata: {
        name: "dependent",
        ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: owner.metadata?.uid ?? "" }],
      },
    };
    await core.createNamespacedConfigMap({ namespace: ns, body: dependent });
    await core.deleteNamespacedConfigMap({ namespace: ns, name: "owner" });
    let gone = false;
    for (let i = 0; i < 300 && !gone; i++) {
      const list = await core.listNamespacedConfigMap({ namespace: ns });
      gone = !list.items.some((c) => c.metadata?.name === "dependent");
      if (!gone) await sleep(100);
    }
    expect(gone, "dependent ConfigMap still exists 30s after its owner was deleted").to.equal(true);
  });

  it("creates the default ServiceAccount in a new namespace (service-account controller)", async () => {
    const ns = await newNamespace("sa");
    const core = env().kc.makeApiClient(CoreV1Api);
    let found = false;
    for (let i = 0; i < 100 && !found; i++) {
      found = (await core.listNamespacedServiceAccount({ namespace: ns })).items.some((s) => s.metadata?.name === "default");
      if (!found) await sleep(100);
    }
    expect(found).to.equal(true);
  });
});
