/**
 * applyChildren: phases in order (config and storage; backends and migrations;
 * workloads and the rest), the children of one phase written at the same time.
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

function fakeContext(opts: { failOn?: string } = {}): { ctx: ApplyContext; spans: Span[]; events: string[] } {
  const spans: Span[] = [];
  const events: string[] = [];
  let clock = 0;
  const tick = () => ++clock;
  const client = {
    apply: async (obj: KubeObject) => {
      const span = { child: `${obj.kind} ${obj.metadata.name}`, start: tick(), end: 0 };
      spans.push(span);
      await sleep(5);
      span.end = tick();
      if (span.child === opts.failOn) throw new Error("HTTP 422: invalid");
      return { ...obj, metadata: { ...obj.metadata, resourceVersion: "1" } };
    },
    get: () => Promise.resolve(null),
  } as unknown as KubeClient;
  const sink = {
    create: (o: KubeObject) => {
      const e = o as KubeObject & { reason: string; message: string };
      events.push(`${e.reason}: ${e.message}`);
      return Promise.resolve(o);
    },
    mergePatch: () => Promise.resolve({}),
  } as unknown as EventSink;
  const logger = pino({ level: "silent" });
  const forum = rootForum();
  const owner = forum as unknown as KubeObject;
  const store = { get: () => undefined, owned: () => [], withComponent: () => Promise.resolve([]), covers: () => true, verified: () => false, markVerified: () => undefined, remember: () => undefined };
  return { ctx: { client, store, events: new EventRecorder(sink, logger), logger, owner }, spans, events };
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

  it("writes the children of a phase concurrently, and a phase only after the previous one ended", async () => {
    const { ctx, spans } = fakeContext();
    const children = buildAll(rootForum(), PRE);
    const result = await applyChildren(ctx, children);
    const applied = children.filter((c) => c.object !== null && c.mode !== "patchIfExists");
    expect(result.error).to.equal(undefined);
    expect(names(result.actions), "one action per child, in the builders' order").to.deep.equal(names(children));
    expect(spans.map((s) => s.child).sort()).to.deep.equal(names(applied).sort());
    const byPhase = phases(buildAll(rootForum(), PRE), "root-forum").map((p) => new Set(names(p)));
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
