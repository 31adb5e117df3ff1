/**
 * applyChildren: phases in order (config and storage; backends and migrations;
 * workloads and the rest), the children of one phase written at the same time,
 * the Services beside the phases.
 * The client is a fake whose apply takes a few ms and records when each write
 * starts and ends; the store is empty, so every child is created.
 */
import { expect } from "chai";
import { pino } from "pino";
import type { ApplyContext } from "../../../reconciler/apply/apply-child.js";
import { buildAll } from "../../../reconciler/builders/index.js";
import type { KubeClient, KubeObject } from "../../../reconciler/client/kube-client.js";
import { EventRecorder, type EventSink } from "../../../reconciler/events/event-recorder.js";
import { applyChildren, phases } from "../../../reconciler/steps/apply-children.js";
import { buildMigrateJob } from "../../../reconciler/builders/migrate-job.js";
import { rootForum } from "../builders/fixtures.js";

/** root-forum while its pre-deployment migration is due: every kind of child, the migration Job included. */
const PRE = { migration: "pre" } as const;
const MIGRATE = buildMigrateJob(rootForum(), "pre").metadata?.name ?? "";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface Span {
  child: string;
  start: number;
  end: number;
}

function fakeContext(opts: { failOn?: string; existing?: KubeObject[]; serviceMs?: number } = {}): { ctx: ApplyContext; spans: Span[]; events: string[]; logs: string[] } {
  const spans: Span[] = [];
  const events: string[] = [];
  let clock = 0;
  const tick = () => ++clock;
  const client = {
    apply: async (obj: KubeObject) => {
      const span = { child: `${obj.kind} ${obj.metadata.name}`, start: tick(), end: 0 };
      spans.push(span);
      await sleep(obj.kind === "Service" ? (opts.serviceMs ?? 5) : 5);
      span.end = tick();
      if (span.child === opts.failOn) throw new Error("HTTP 422: invalid");
      return { ...obj, metadata: { ...obj.metadata, resourceVersion: "1" } };
    },
    get: (ref: { kind: string; name: string }) => Promise.resolve(opts.existing?.find((o) => o.kind === ref.kind && o.metadata.name === ref.name) ?? null),
  } as unknown as KubeClient;
  const sink = {
    create: (o: KubeObject) => {
      const e = o as KubeObject & { reason: string; message: string };
      events.push(`${e.reason}: ${e.message}`);
      return Promise.resolve(o);
    },
    mergePatch: () => Promise.resolve({}),
  } as unknown as EventSink;
  const logs: string[] = [];
  const logger = pino({ level: "info" }, { write: (line: string) => void logs.push(String((JSON.parse(line) as { msg: string }).msg)) });
  const forum = rootForum();
  const owner = forum as unknown as KubeObject;
  const store = { get: () => undefined, owned: () => [], withComponent: () => Promise.resolve([]), resourceVersion: () => undefined, covers: () => true, verified: () => false, markVerified: () => undefined, remember: () => undefined };
  return { ctx: { client, store, events: new EventRecorder(sink, logger), logger, owner }, spans, events, logs };
}

const names = (xs: { kind: string; name: string }[]) => xs.map((c) => `${c.kind} ${c.name}`);

describe("applyChildren", () => {
  it("groups root-forum's children in three phases, each in the builders' order", () => {
    expect(phases(buildAll(rootForum(), PRE), "root-forum").map(names)).to.deep.equal([
      [
        "Secret root-forum-db-credentials",
        "Secret root-forum-app-secrets",
        "ConfigMap root-forum-env",
        "ConfigMap root-forum-postgresql-init",
        "ServiceAccount root-forum-discourse",
        "RoleBinding root-forum-discourse-scc",
        "PersistentVolumeClaim root-forum-uploads",
        "PersistentVolumeClaim data-root-forum-postgresql-0",
        "PersistentVolumeClaim data-root-forum-redis-0",
      ],
      [
        "StatefulSet root-forum-postgresql",
        "Service root-forum-postgresql",
        "Deployment root-forum-redis",
        "StatefulSet root-forum-redis",
        "Service root-forum-redis",
        "Job root-forum-db-init",
        `Job ${MIGRATE}`,
      ],
      [
        "Deployment root-forum-web",
        "Deployment root-forum-sidekiq",
        "Service root-forum-web",
        "Ingress root-forum",
        "Route root-forum",
        "PodDisruptionBudget root-forum-web",
        "NetworkPolicy root-forum-backend",
      ],
    ]);
  });

  it("a forum named like a backend suffix keeps its web Service in the last phase", () => {
    const children = [{ kind: "Service", name: "x-redis-web" }, { kind: "Service", name: "x-redis-redis" }, { kind: "Deployment", name: "x-redis" }];
    expect(phases(children, "x-redis").map(names)).to.deep.equal([["Service x-redis-redis"], ["Service x-redis-web", "Deployment x-redis"]]);
  });

  it("writes the children of a phase concurrently, a phase only after the previous one ended, and the Services beside them from the start", async () => {
    const { ctx, spans } = fakeContext({ serviceMs: 60 }); // a Service create is the slowest write
    const children = buildAll(rootForum(), PRE);
    const result = await applyChildren(ctx, children);
    const applied = children.filter((c) => c.object !== null && c.mode !== "patchIfExists");
    expect(result.error).to.equal(undefined);
    expect(names(result.actions), "one action per child, in the builders' order").to.deep.equal(names(children));
    expect(spans.map((s) => s.child).sort()).to.deep.equal(names(applied).sort());
    const isService = (child: string) => child.startsWith("Service ");
    const byPhase = phases(buildAll(rootForum(), PRE), "root-forum").map((p) => new Set(names(p).filter((n) => !isService(n))));
    const spansOf = (i: number) => spans.filter((s) => byPhase[i]?.has(s.child));
    for (let i = 0; i < byPhase.length; i++) {
      const mine = spansOf(i);
      const lastStart = Math.max(...mine.map((s) => s.start));
      const firstEnd = Math.min(...mine.map((s) => s.end));
      expect(lastStart, `phase ${i + 1}: every write started before the first one ended`).to.be.lessThan(firstEnd);
      if (i > 0) {
        const previousEnd = Math.max(...spansOf(i - 1).map((s) => s.end));
        expect(Math.min(...mine.map((s) => s.start)), `phase ${i + 1} starts after phase ${i} ended`).to.be.greaterThan(previousEnd);
      }
    }
    const services = spans.filter((s) => isService(s.child));
    expect(services.map((s) => s.child).sort()).to.deep.equal(["Service root-forum-postgresql", "Service root-forum-redis", "Service root-forum-web"]);
    const firstPhaseEnd = Math.min(...spansOf(0).map((s) => s.end));
    const lastPhaseEnd = Math.max(...spansOf(byPhase.length - 1).map((s) => s.end));
    for (const s of services) {
      expect(s.start, `${s.child} starts with the first phase`).to.be.lessThan(firstPhaseEnd);
      expect(s.end, `${s.child} holds no phase back`).to.be.greaterThan(lastPhaseEnd);
    }
  });

  it("records one Created Event naming what the reconcile created, in phase order; a child that failed is not named", async () => {
    const { ctx, events } = fakeContext({ failOn: "ConfigMap root-forum-env" });
    await applyChildren(ctx, buildAll(rootForum(), PRE));
    await ctx.events.shutdown(true);
    expect(events.sort()).to.deep.equal(
      [
        "Created: created ConfigMap root-forum-postgresql-init, PersistentVolumeClaim root-forum-uploads, " +
          `StatefulSet root-forum-postgresql, Service root-forum-postgresql, StatefulSet root-forum-redis, Service root-forum-redis, Job ${MIGRATE}, ` +
          "Deployment root-forum-web, Deployment root-forum-sidekiq, Service root-forum-web, Ingress root-forum, PodDisruptionBudget root-forum-web, NetworkPolicy root-forum-backend",
        "ApplyFailed: could not create ConfigMap root-forum-env",
      ].sort(),
    );
  });

  it("names what the reconcile created before (its Secrets) first in the same Event, and empties that list", async () => {
    const { ctx, events } = fakeContext();
    const before = ["Secret root-forum-app-secrets (generated secret_key_base)"];
    await applyChildren(ctx, buildAll(rootForum(), PRE), before);
    await ctx.events.shutdown(true);
    expect(events).to.have.length(1);
    expect(events[0]).to.match(/^Created: created Secret root-forum-app-secrets \(generated secret_key_base\), ConfigMap root-forum-env, /);
    expect(before).to.deep.equal([]);
  });

  it("the first patch of a claim the StatefulSet controller made is an adoption: a log line, no Event; a later change has its Event", async () => {
    const claim = (digest?: string): KubeObject => ({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "data-root-forum-postgresql-0", namespace: "team-a", resourceVersion: "7", ...(digest ? { annotations: { "discourse.cern/applied-hash": digest } } : {}) },
      spec: { resources: { requests: { storage: "1Gi" } } },
    });
    const onlyClaim = buildAll(rootForum(), PRE).filter((c) => c.name === "data-root-forum-postgresql-0");
    const first = fakeContext({ existing: [claim()] });
    await applyChildren(first.ctx, onlyClaim);
    await first.ctx.events.shutdown(true);
    expect(first.spans.map((s) => s.child)).to.deep.equal(["PersistentVolumeClaim data-root-forum-postgresql-0"]);
    expect(first.logs).to.include("adopted PersistentVolumeClaim data-root-forum-postgresql-0");
    expect(first.events).to.deep.equal([]);
    const later = fakeContext({ existing: [claim("an-older-digest")] });
    await applyChildren(later.ctx, onlyClaim);
    await later.ctx.events.shutdown(true);
    expect(later.events).to.have.length(1);
    expect(later.events[0]).to.match(/^Updated: updated PersistentVolumeClaim data-root-forum-postgresql-0: /);
  });

  it("a claim the StatefulSet controller made from our template (our labels, the size wanted) is not written at all", async () => {
    const onlyClaim = buildAll(rootForum(), PRE).filter((c) => c.name === "data-root-forum-postgresql-0");
    const desired = onlyClaim[0]!.object as KubeObject;
    const fromTemplate: KubeObject = {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: desired.metadata.name, namespace: desired.metadata.namespace, resourceVersion: "7", labels: { ...desired.metadata.labels, "apps.kubernetes.io/pod-index": "0" } },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: (desired.spec as { resources: { requests: { storage: string } } }).resources.requests.storage } } },
      status: { phase: "Bound" },
    };
    const { ctx, spans, logs, events } = fakeContext({ existing: [fromTemplate] });
    const result = await applyChildren(ctx, onlyClaim);
    await ctx.events.shutdown(true);
    expect(result.actions.map((a) => `${a.action} ${a.kind} ${a.name}`)).to.deep.equal(["unchanged PersistentVolumeClaim data-root-forum-postgresql-0"]);
    expect(spans, "no write").to.deep.equal([]);
    expect(logs).to.deep.equal([]);
    expect(events).to.deep.equal([]);
    // a resize of the same claim is a write (an adoption: no digest of ours yet)
    const grown = rootForum();
    grown.spec.database.storage.size = "50Gi";
    const bigger = buildAll(grown, PRE).filter((c) => c.name === "data-root-forum-postgresql-0");
    const resize = fakeContext({ existing: [fromTemplate] });
    await applyChildren(resize.ctx, bigger);
    expect(resize.spans.map((s) => s.child)).to.deep.equal(["PersistentVolumeClaim data-root-forum-postgresql-0"]);
    expect(resize.logs).to.include("adopted PersistentVolumeClaim data-root-forum-postgresql-0");
  });

  it("a failed child fails the result, the others (and later phases) are still written", async () => {
    const { ctx, spans } = fakeContext({ failOn: "ConfigMap root-forum-env" });
    const result = await applyChildren(ctx, buildAll(rootForum(), PRE));
    expect(result.error).to.equal("ConfigMap root-forum-env: HTTP 422: invalid");
    expect(spans.length, "every child with an object to write was written").to.equal(14);
    expect(result.actions.map((a) => `${a.action} ${a.kind} ${a.name}`)).to.deep.equal([
      "missing Secret root-forum-db-credentials",
      "missing Secret root-forum-app-secrets",
      "created ConfigMap root-forum-postgresql-init",
      "absent ServiceAccount root-forum-discourse",
      "absent RoleBinding root-forum-discourse-scc",
      "created PersistentVolumeClaim root-forum-uploads",
      "missing PersistentVolumeClaim data-root-forum-postgresql-0",
      "missing PersistentVolumeClaim data-root-forum-redis-0",
      "created StatefulSet root-forum-postgresql",
      "created Service root-forum-postgresql",
      "absent Deployment root-forum-redis",
      "created StatefulSet root-forum-redis",
      "created Service root-forum-redis",
      "absent Job root-forum-db-init",
      `created Job ${MIGRATE}`,
      "created Deployment root-forum-web",
      "created Deployment root-forum-sidekiq",
      "created Service root-forum-web",
      "created Ingress root-forum",
      "absent Route root-forum",
      "created PodDisruptionBudget root-forum-web",
      "created NetworkPolicy root-forum-backend",
    ]);
  });
});
