import { expect } from "chai";
import type { V1APIGroupList } from "@kubernetes/client-node";
import { KubeFactsSource, type FactsClients } from "../../../webhooks/facts/kube-facts.js";

class ApiError extends Error {
  constructor(readonly code: number) {
    super(`HTTP ${code}`);
  }
}

function clients(opts: { route: boolean; discourses: unknown[]; secrets: string[]; calls: string[] }): FactsClients {
  const groups = opts.route ? [{ name: "route.openshift.io", versions: [{ groupVersion: "route.openshift.io/v1", version: "v1" }] }] : [];
  return {
    apis: {
      getAPIVersions: () => {
        opts.calls.push("apis");
        return Promise.resolve({ groups } as V1APIGroupList);
      },
    },
    secrets: {
      readSecretMetadata: ({ namespace, name }: { namespace: string; name: string }) => {
        opts.calls.push(`secret ${namespace}/${name}`);
        const labels = { "app.kubernetes.io/instance": name };
        return opts.secrets.includes(`${namespace}/${name}`) ? Promise.resolve({ metadata: { labels } }) : Promise.reject(new ApiError(404));
      },
    },
    custom: {
      listClusterCustomObject: () => Promise.resolve({ items: opts.discourses }),
    },
  };
}

const discourse = (namespace: string, name: string, hostname: unknown): unknown => ({ metadata: { namespace, name }, spec: { hostname } });

describe("facts: KubeFactsSource", () => {
  it("gathers other hostnames (not its own, not malformed), existing referenced Secrets, the Route API", async () => {
    const calls: string[] = [];
    const source = new KubeFactsSource(
      clients({
        route: true,
        discourses: [discourse("a", "forum", "forum.example.org"), discourse("b", "forum", "b.example.org"), discourse("c", "bad", 42), "junk"],
        secrets: ["a/forum-db-credentials"],
        calls,
      }),
    );
    const facts = await source.gather({ metadata: { name: "forum" }, spec: { hostname: "forum.example.org" } }, "a");
    expect(facts).to.deep.equal({
      routeApiAvailable: true,
      otherHostnames: [{ namespace: "b", name: "forum", hostname: "b.example.org" }],
      existingSecrets: new Set(["forum-db-credentials"]),
      secretLabels: new Map([["forum-db-credentials", { "app.kubernetes.io/instance": "forum-db-credentials" }]]),
    });
    expect(calls).to.deep.equal(["apis", "secret a/forum-db-credentials", "secret a/forum-tls"]);
  });

  it("with secrets: false (the mutating webhook, or a caller that is not the API server), no Secret is looked up", async () => {
    const calls: string[] = [];
    const source = new KubeFactsSource(clients({ route: false, discourses: [], secrets: ["a/forum-db-credentials"], calls }));
    const facts = await source.gather({ metadata: { name: "forum" }, spec: { hostname: "forum.example.org" } }, "a", { secrets: false });
    expect([facts.existingSecrets, calls]).to.deep.equal([undefined, ["apis"]]);
  });

  it("asks for the Route API again only after the TTL", async () => {
    const calls: string[] = [];
    let now = 0;
    const source = new KubeFactsSource(clients({ route: false, discourses: [], secrets: [], calls }), { routeApiTtlMs: 1000, now: () => now });
    expect(await source.routeApiAvailable()).to.equal(false);
    now = 999;
    await source.routeApiAvailable();
    now = 1000;
    await source.routeApiAvailable();
    expect(calls).to.deep.equal(["apis", "apis"]);
  });

  it("an API failure other than 404 is an error that names the Secret, not the response", async () => {
    const failing = {
      ...clients({ route: false, discourses: [], secrets: [], calls: [] }),
      secrets: { readSecretMetadata: () => Promise.reject(new ApiError(403)) },
    } as unknown as FactsClients;
    const err = await new KubeFactsSource(failing).secretsMetadata("ns", ["s"]).catch((e: unknown) => e);
    expect((err as Error).message).to.equal("reading Secret ns/s failed with HTTP 403");
  });
});
