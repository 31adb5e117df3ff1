/**
 * Steps 5 and 6 of a reconcile (reconciler/steps/hold-and-generate.ts) against a client
 * whose answers the test gives by hand: which requests are sent, and which are in flight
 * at the same time. On a forum's first reconcile the finalizer and the app Secret are
 * written at once, without a read first; afterwards a Secret missing from the cache is
 * read before anything is created; a Secret someone else made is only read, whichever path.
 */
import { expect } from "chai";
import { pino } from "pino";
import { FINALIZER } from "../../../src/api/constants.js";
import type { ChildStore } from "../../../reconciler/apply/child-store.js";
import { credentialsSecretName } from "../../../reconciler/builders/credentials-secret.js";
import { appSecretsName } from "../../../reconciler/builders/names.js";
import type { KubeClient, KubeObject } from "../../../reconciler/client/kube-client.js";
import { EventRecorder, type EventSink } from "../../../reconciler/events/event-recorder.js";
import { ObjectCache } from "../../../reconciler/informer/object-cache.js";
import type { ReconcileContext } from "../../../reconciler/steps/context.js";
import { holdAndGenerate } from "../../../reconciler/steps/hold-and-generate.js";
import { newAppSecrets } from "../../../reconciler/steps/secrets.js";
import { rootForum } from "../builders/fixtures.js";

/** A request the fake client received, answered when the test says so. */
interface Sent {
  line: string;
  answer(value: unknown): void;
  fail(code: number): void;
}

function world(opts: { finalizer: boolean }) {
  const sent: Sent[] = [];
  const request = (line: string): Promise<unknown> =>
    new Promise((resolve, reject) => {
      sent.push({ line, answer: resolve, fail: (code) => reject(Object.assign(new Error(`HTTP ${code}`), { code, body: { message: "refused" } })) });
    });
  const client = {
    mergePatch: (ref: { kind: string; name: string }, patch: { metadata: { finalizers: string[] } }) => request(`PATCH ${ref.kind} ${ref.name} finalizers=${patch.metadata.finalizers.join(",")}`),
    create: (obj: KubeObject) => request(`POST ${obj.kind} ${obj.metadata.name}`),
    get: (ref: { kind: string; name: string }) => request(`GET ${ref.kind} ${ref.name}`),
  } as unknown as KubeClient;
  const forum = rootForum();
  const secrets = new ObjectCache();
  // the credentials Secret the mutating webhook made (labelled: the informer holds it)
  const credentials = newAppSecrets(forum);
  secrets.set({ ...credentials, metadata: { ...credentials.metadata, name: credentialsSecretName(forum), resourceVersion: "1" } });
  const store = { get: (kind: string, ns: string, name: string) => (kind === "Secret" ? secrets.get(ns, name) : undefined), remember: (o: KubeObject) => secrets.setIfNewer(o) } as unknown as ChildStore;
  const events: string[] = [];
  const sink = { create: (e: { message: string }) => (events.push(e.message), Promise.resolve(e)), mergePatch: () => Promise.resolve({}) } as unknown as EventSink;
  const logger = pino({ level: "silent" });
  const recorder = new EventRecorder(sink, logger);
  const ctx: ReconcileContext = { client, discourses: new ObjectCache(), store, events: recorder, logger, routeApiAvailable: false };
  const read = { ...forum, metadata: { ...forum.metadata, resourceVersion: "10", ...(opts.finalizer ? { finalizers: [FINALIZER] } : {}) } } as unknown as KubeObject;
  /** Waits until `n` requests were sent (microtasks and timers of the step run meanwhile). */
  const waitFor = async (n: number): Promise<void> => {
    for (let i = 0; i < 100 && sent.length < n; i++) await new Promise((r) => setImmediate(r));
    expect(sent.map((s) => s.line), `${n} requests`).to.have.length(n);
  };
  const app = appSecretsName(forum);
  const stored = (o: KubeObject, rv: string): KubeObject => ({ ...o, metadata: { ...o.metadata, resourceVersion: rv } });
  const flush = async (): Promise<void> => {
    await recorder.shutdown(true);
  };
  return { sent, ctx, read, forum, app, waitFor, stored, events, flush };
}

describe("reconcile steps 5 and 6: the finalizer and the forum's Secrets", () => {
  it("on a forum's first reconcile writes the finalizer and the app Secret at once, with no read first", async () => {
    const w = world({ finalizer: false });
    const done = holdAndGenerate(w.ctx, w.read, w.forum);
    await w.waitFor(2);
    // both in flight before either is answered
    expect(w.sent.map((s) => s.line)).to.have.members([`PATCH Discourse root-forum finalizers=${FINALIZER}`, `POST Secret ${w.app}`]);
    const patch = w.sent.find((s) => s.line.startsWith("PATCH"))!;
    const post = w.sent.find((s) => s.line.startsWith("POST"))!;
    post.answer(w.stored(newAppSecrets(w.forum), "12"));
    patch.answer({ ...w.read, metadata: { ...w.read.metadata, resourceVersion: "11", finalizers: [FINALIZER] } });
    const { obj, secrets } = await done;
    expect(obj.metadata.finalizers).to.deep.equal([FINALIZER]);
    expect(obj.metadata.resourceVersion).to.equal("11");
    expect(secrets.ok && secrets.created).to.deep.equal([`Secret ${w.app} (generated secret_key_base)`]);
    expect(secrets.ok && [...secrets.adopt].sort()).to.deep.equal([credentialsSecretName(w.forum), w.app].sort());
    expect(w.sent, "no other request").to.have.length(2);
  });

  it("once the forum holds the finalizer, reads a Secret missing from the cache before creating it", async () => {
    const w = world({ finalizer: true });
    const done = holdAndGenerate(w.ctx, w.read, w.forum);
    await w.waitFor(1);
    expect(w.sent[0]!.line).to.equal(`GET Secret ${w.app}`);
    w.sent[0]!.answer(null);
    await w.waitFor(2);
    expect(w.sent[1]!.line).to.equal(`POST Secret ${w.app}`);
    w.sent[1]!.answer(w.stored(newAppSecrets(w.forum), "12"));
    const { obj, secrets } = await done;
    expect(obj).to.equal(w.read);
    expect(secrets.ok).to.equal(true);
    expect(w.sent, "no finalizer write").to.have.length(2);
  });

  it("on a first reconcile, a Secret of that name someone else made is refused by the API and then only read", async () => {
    const w = world({ finalizer: false });
    const done = holdAndGenerate(w.ctx, w.read, w.forum);
    await w.waitFor(2);
    w.sent.find((s) => s.line.startsWith("POST"))!.fail(409);
    await w.waitFor(3);
    expect(w.sent[2]!.line).to.equal(`GET Secret ${w.app}`);
    w.sent[2]!.answer({ apiVersion: "v1", kind: "Secret", metadata: { name: w.app, namespace: "forums", resourceVersion: "5" }, data: { secret_key_base: "dXNlcg==" } });
    w.sent.find((s) => s.line.startsWith("PATCH"))!.answer({ ...w.read, metadata: { ...w.read.metadata, resourceVersion: "11", finalizers: [FINALIZER] } });
    const { secrets } = await done;
    expect(secrets.ok && secrets.created, "nothing created").to.deep.equal([]);
    expect(secrets.ok && secrets.adopt.has(w.app), "not adopted: not the operator's").to.equal(false);
    expect(w.sent.filter((s) => s.line.includes(w.app)).map((s) => s.line), "the Secret: one refused create, one read").to.deep.equal([`POST Secret ${w.app}`, `GET Secret ${w.app}`]);
  });

  it("when the finalizer's write fails, throws once the Secret step ended, and what it created still gets its Event", async () => {
    const w = world({ finalizer: false });
    let settled = false;
    const done = holdAndGenerate(w.ctx, w.read, w.forum).finally(() => (settled = true));
    await w.waitFor(2);
    w.sent.find((s) => s.line.startsWith("PATCH"))!.fail(409);
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
    expect(settled, "waits for the Secret's write").to.equal(false);
    w.sent.find((s) => s.line.startsWith("POST"))!.answer(w.stored(newAppSecrets(w.forum), "12"));
    let thrown: unknown;
    await done.catch((err: unknown) => (thrown = err));
    expect((thrown as { code?: number }).code).to.equal(409);
    await w.flush();
    expect(w.events).to.deep.equal([`created Secret ${w.app} (generated secret_key_base)`]);
  });
});
