import { expect } from "chai";
import type { V1APIGroupList, V1Secret } from "@kubernetes/client-node";
import type { InformerHandler } from "../../../reconciler/informer/informer.js";
import type { KubeObject } from "../../../reconciler/client/kube-client.js";
import { CachedFactsSource, type DiscourseInformer } from "../../../webhooks/facts/cached-facts.js";
import { KubeFactsSource } from "../../../webhooks/facts/kube-facts.js";
import type { SecretCreator } from "../../../webhooks/credentials/ensure-credentials-secret.js";

class ApiError extends Error {
  constructor(readonly code: number) {
    super(`HTTP ${code}`);
  }
}

const discourse = (namespace: string, name: string, hostname: string): KubeObject => ({
  apiVersion: "discourse.cern/v1alpha1",
  kind: "Discourse",
  metadata: { namespace, name },
  spec: { hostname },
});

/** An informer double: the test delivers events and decides when it has synced. */
class FakeInformer implements DiscourseInformer {
  readonly synced: Promise<void>;
  handlers: InformerHandler[] = [];
  state = "new";
  sync: () => void = () => undefined;
  constructor() {
    this.synced = new Promise((resolve) => (this.sync = resolve));
  }
  on(handler: InformerHandler): void {
    this.handlers.push(handler);
  }
  start(): void {
    this.state = "started";
  }
  stop(): Promise<void> {
    this.state = "stopped";
    return Promise.resolve();
  }
  emit(event: "add" | "update" | "delete", obj: KubeObject): void {
    for (const h of this.handlers) h(event, obj);
  }
}

/** The direct source over API doubles; every call is recorded. */
function direct(calls: string[], cluster: { discourses: KubeObject[]; secrets: Set<string> }): KubeFactsSource {
  return new KubeFactsSource({
    apis: { getAPIVersions: () => (calls.push("apis"), Promise.resolve({ groups: [] } as unknown as V1APIGroupList)) },
    secrets: {
      readSecretMetadata: ({ namespace, name }: { namespace: string; name: string }) => {
        calls.push(`get secret ${namespace}/${name}`);
        return cluster.secrets.has(`${namespace}/${name}`) ? Promise.resolve({ metadata: {} }) : Promise.reject(new ApiError(404));
      },
    },
    custom: { listClusterCustomObject: () => (calls.push("list discourses"), Promise.resolve({ items: cluster.discourses })) },
  });
}

const admitted = { metadata: { name: "forum" }, spec: { hostname: "forum.example.org", database: {}, ingress: { tlsSecretName: "forum-tls" } } };

function setup(): { calls: string[]; informer: FakeInformer; source: CachedFactsSource; clock: { now: number }; cluster: { discourses: KubeObject[]; secrets: Set<string> } } {
  const calls: string[] = [];
  const cluster = { discourses: [discourse("a", "forum", "forum.example.org"), discourse("b", "other", "forum.example.org"), discourse("c", "x", "x.example.org")], secrets: new Set(["a/forum-db-credentials"]) };
  const informer = new FakeInformer();
  const clock = { now: 0 };
  const source = new CachedFactsSource(direct(calls, cluster), informer, { secretPresentTtlMs: 1000, secretAbsentTtlMs: 100, now: () => clock.now });
  return { calls, informer, source, clock, cluster };
}

describe("facts: CachedFactsSource", () => {
  it("before the informer has synced: not ready, and every request lists the cluster (the old answer)", async () => {
    const { calls, source } = setup();
    const hostnames = await source.otherHostnames(admitted, "a");
    expect({ synced: source.synced, hostnames, calls }).to.deep.equal({
      synced: false,
      hostnames: [
        { namespace: "b", name: "other", hostname: "forum.example.org" },
        { namespace: "c", name: "x", hostname: "x.example.org" },
      ],
      calls: ["list discourses"],
    });
  });

  it("once synced: ready, and hostnames come from the index (same hostname only, itself excluded, no API call)", async () => {
    const { calls, informer, source, cluster } = setup();
    for (const d of cluster.discourses) informer.emit("add", d);
    informer.sync();
    await source.whenSynced;
    const before = await source.otherHostnames(admitted, "a");
    informer.emit("delete", discourse("b", "other", "forum.example.org"));
    const after = await source.otherHostnames(admitted, "a");
    expect({ synced: source.synced, before, after, calls }).to.deep.equal({
      synced: true,
      before: [{ namespace: "b", name: "other", hostname: "forum.example.org" }],
      after: [],
      calls: [],
    });
  });

  it("a malformed object (no string hostname) has no other claimants once synced", async () => {
    const { informer, source } = setup();
    informer.emit("add", discourse("b", "other", "forum.example.org"));
    informer.sync();
    await source.whenSynced;
    expect(await source.otherHostnames({ metadata: { name: "forum" }, spec: { hostname: 5 } }, "a")).to.deep.equal([]);
  });

  it("start() and stop() drive the informer", async () => {
    const { informer, source } = setup();
    const states = [informer.state];
    source.start();
    states.push(informer.state);
    await source.stop();
    states.push(informer.state);
    expect(states).to.deep.equal(["new", "started", "stopped"]);
  });

  it("Secret existence: one GET per Secret, reused for its TTL (present 1000 ms, absent 100 ms), re-read in the background past half of it", async () => {
    const { calls, source, clock } = setup();
    const names = ["forum-db-credentials", "forum-smtp"];
    const seen: string[][] = [];
    for (const t of [0, 50, 100, 1000]) {
      clock.now = t;
      calls.push(`t=${t}`);
      seen.push([...(await source.existingSecrets("a", names))]);
      await new Promise(setImmediate); // let a background re-read finish at this time
    }
    expect({ seen, calls }).to.deep.equal({
      seen: [["forum-db-credentials"], ["forum-db-credentials"], ["forum-db-credentials"], ["forum-db-credentials"]],
      calls: [
        "t=0", "get secret a/forum-db-credentials", "get secret a/forum-smtp",
        "t=50", "get secret a/forum-smtp", // refresh-ahead, answered from the cache
        "t=100", "get secret a/forum-smtp", // re-read at 50: fresh until 150, re-read again from 100 on
        "t=1000", "get secret a/forum-db-credentials", "get secret a/forum-smtp",
      ],
    });
  });

  it("gather: Route API, hostnames and Secrets in one ClusterFacts", async () => {
    const { source, informer, cluster } = setup();
    for (const d of cluster.discourses) informer.emit("add", d);
    informer.sync();
    await source.whenSynced;
    expect(await source.gather(admitted, "a")).to.deep.equal({
      routeApiAvailable: false,
      otherHostnames: [{ namespace: "b", name: "other", hostname: "forum.example.org" }],
      existingSecrets: new Set(["forum-db-credentials"]),
      secretLabels: new Map([["forum-db-credentials", {}]]),
    });
  });

  const creations: Array<{ name: string; create: () => Promise<V1Secret>; known: boolean }> = [
    { name: "a Secret created through recordingCreator is known to exist at once", create: () => Promise.resolve({}), known: true },
    { name: "a create that failed otherwise records nothing", create: () => Promise.reject(new ApiError(403)), known: false },
  ];
  for (const c of creations) {
    it(c.name, async () => {
      const { calls, source } = setup();
      await source.existingSecrets("a", ["new-secret"]);
      const api: SecretCreator = { createNamespacedSecret: () => c.create() };
      await source.recordingCreator(api).createNamespacedSecret({ namespace: "a", body: { metadata: { name: "new-secret" } } }).catch(() => undefined);
      const exists = (await source.existingSecrets("a", ["new-secret"])).has("new-secret");
      expect({ exists, calls }).to.deep.equal({ exists: c.known, calls: ["get secret a/new-secret"] });
    });
  }

  it("a create answered 409 AlreadyExists forgets what was cached: the next request reads the Secret (and its labels) afresh", async () => {
    const { calls, source, cluster } = setup();
    await source.existingSecrets("a", ["theirs"]);
    cluster.secrets.add("a/theirs");
    const api: SecretCreator = { createNamespacedSecret: () => Promise.reject(new ApiError(409)) };
    await source.recordingCreator(api).createNamespacedSecret({ namespace: "a", body: { metadata: { name: "theirs" } } }).catch(() => undefined);
    const exists = (await source.existingSecrets("a", ["theirs"])).has("theirs");
    expect({ exists, calls }).to.deep.equal({ exists: true, calls: ["get secret a/theirs", "get secret a/theirs"] });
  });
});
