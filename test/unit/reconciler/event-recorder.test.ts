/**
 * EventRecorder: record() queues and returns at once; a bounded queue written by a
 * worker pool, drops with a log line when full, merges repeats, drains on shutdown.
 * The sink is a fake whose writes the test releases one by one.
 */
import { expect } from "chai";
import { pino } from "pino";
import type { Logger } from "../../../src/log.js";
import type { KubeObject } from "../../../reconciler/client/kube-client.js";
import { EventRecorder, type EventSink } from "../../../reconciler/events/event-recorder.js";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const forum: KubeObject = {
  apiVersion: "discourse.cern/v1alpha1",
  kind: "Discourse",
  metadata: { name: "root-forum", namespace: "forums", uid: "u-1", resourceVersion: "7" },
};

interface Write {
  verb: "create" | "patch";
  name: string;
  reason?: string;
  message?: string;
  count: number;
}

/** A sink whose writes wait until `release()` (or answer at once with `auto`). */
class FakeSink {
  readonly writes: Write[] = [];
  readonly waiting: (() => void)[] = [];
  auto = false;
  fail = false;
  inFlight = 0;
  maxInFlight = 0;

  asSink(): EventSink {
    return {
      create: async (obj: KubeObject) => {
        const e = obj as KubeObject & { reason: string; message: string; count: number };
        await this.hold();
        this.writes.push({ verb: "create", name: e.metadata.name, reason: e.reason, message: e.message, count: e.count });
        return obj;
      },
      mergePatch: async (ref: { name: string }, patch: unknown) => {
        await this.hold();
        this.writes.push({ verb: "patch", name: ref.name, count: (patch as { count: number }).count });
        return { apiVersion: "v1", kind: "Event", metadata: { name: ref.name } };
      },
    };
  }

  private async hold(): Promise<void> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (!this.auto) await new Promise<void>((r) => this.waiting.push(r));
      if (this.fail) throw new Error("HTTP 500: boom");
    } finally {
      this.inFlight--;
    }
  }

  /** Lets every waiting write finish, then lets the recorder start the next ones. */
  async release(): Promise<void> {
    this.waiting.splice(0).forEach((r) => r());
    await sleep(5);
  }
}

function logCapture(): { logger: Logger; lines: () => { msg: string; level: number }[] } {
  const out: string[] = [];
  const logger: Logger = pino({ level: "debug" }, { write: (s: string) => void out.push(s) });
  return { logger, lines: () => out.map((l) => JSON.parse(l) as { msg: string; level: number }) };
}

describe("EventRecorder", () => {
  it("record returns before the Event is written", async () => {
    const sink = new FakeSink();
    const rec = new EventRecorder(sink.asSink(), logCapture().logger);
    const returned = await Promise.race([rec.record(forum, "Normal", "Created", "created ConfigMap f-env").then(() => "returned"), sleep(50).then(() => "blocked")]);
    expect([returned, sink.writes.length, rec.pending]).to.deep.equal(["returned", 0, 1]);
    await sink.release();
    expect(sink.writes.map((w) => [w.verb, w.reason, w.message, w.count])).to.deep.equal([["create", "Created", "created ConfigMap f-env", 1]]);
    expect(rec.pending).to.equal(0);
  });

  it("writes with at most `workers` requests at once", async () => {
    const sink = new FakeSink();
    const rec = new EventRecorder(sink.asSink(), logCapture().logger, { workers: 3 });
    for (let i = 0; i < 10; i++) await rec.record(forum, "Normal", "Created", `created Service s-${i}`);
    await sleep(5);
    expect([sink.inFlight, rec.pending]).to.deep.equal([3, 10]);
    while (rec.pending > 0) await sink.release();
    expect([sink.maxInFlight, sink.writes.length]).to.deep.equal([3, 10]);
  });

  it("drops an event with a log line when the queue is full", async () => {
    const sink = new FakeSink();
    const log = logCapture();
    const rec = new EventRecorder(sink.asSink(), log.logger, { queueSize: 2, workers: 1 });
    for (const m of ["a", "b", "c", "d"]) await rec.record(forum, "Normal", "Created", `created ConfigMap ${m}`);
    // "a" is being written, "b" and "c" fill the queue, "d" is dropped.
    expect([rec.dropped, rec.pending]).to.deep.equal([1, 3]);
    expect(log.lines().map((l) => [l.level, l.msg])).to.deep.equal([[40, "event dropped: 2 events are queued"]]);
    while (rec.pending > 0) await sink.release();
    expect(sink.writes.map((w) => w.message)).to.deep.equal(["created ConfigMap a", "created ConfigMap b", "created ConfigMap c"]);
  });

  it("merges repeats: one create, then one patch carrying every queued repeat", async () => {
    const sink = new FakeSink();
    const rec = new EventRecorder(sink.asSink(), logCapture().logger);
    for (let i = 0; i < 3; i++) await rec.record(forum, "Warning", "ApplyFailed", "could not create Service f-web");
    // the first is in flight; the 2 repeats wait behind it (never two writes of one event at once) as one item.
    expect([sink.inFlight, rec.pending]).to.deep.equal([1, 2]);
    while (rec.pending > 0) await sink.release();
    await rec.record(forum, "Warning", "ApplyFailed", "could not create Service f-web");
    while (rec.pending > 0) await sink.release();
    const created = sink.writes[0]?.name;
    expect(sink.writes.map((w) => [w.verb, w.name, w.count])).to.deep.equal([["create", created, 1], ["patch", created, 3], ["patch", created, 4]]);
    expect(created).to.match(/^root-forum\.[0-9a-f]{16}$/);
  });

  it("remembers at most 4096 distinct events (client-go's bound): the oldest one's repeat creates a new Event, a recent one's patches", async () => {
    const sink = new FakeSink();
    sink.auto = true;
    const rec = new EventRecorder(sink.asSink(), logCapture().logger, { queueSize: 5000 });
    const settle = async (): Promise<void> => {
      while (rec.pending > 0) await sleep(5);
    };
    for (let i = 0; i <= 4096; i++) await rec.record(forum, "Normal", "Created", `created Service s-${i}`);
    await settle();
    expect(sink.writes.filter((w) => w.verb === "create")).to.have.length(4097);
    await rec.record(forum, "Normal", "Created", "created Service s-4096");
    await settle();
    expect(sink.writes.at(-1)?.verb, "a recent event is still remembered").to.equal("patch");
    await rec.record(forum, "Normal", "Created", "created Service s-0");
    await settle();
    expect(sink.writes.at(-1)?.verb, "the oldest was forgotten").to.equal("create");
  });

  it("a failed write is logged and dropped; the next occurrence creates a new Event", async () => {
    const sink = new FakeSink();
    sink.auto = true;
    sink.fail = true;
    const log = logCapture();
    const rec = new EventRecorder(sink.asSink(), log.logger);
    await rec.record(forum, "Normal", "Created", "created Job f-migrate");
    await sleep(5);
    sink.fail = false;
    await rec.record(forum, "Normal", "Created", "created Job f-migrate");
    await sleep(5);
    expect(log.lines().map((l) => l.msg)).to.deep.equal(["could not record event"]);
    expect(sink.writes.map((w) => [w.verb, w.count])).to.deep.equal([["create", 1]]);
  });

  describe("shutdown", () => {
    it("with drain: waits until every queued event is written, then drops new ones", async () => {
      const sink = new FakeSink();
      sink.auto = true;
      const log = logCapture();
      const rec = new EventRecorder(sink.asSink(), log.logger, { workers: 2 });
      for (let i = 0; i < 7; i++) await rec.record(forum, "Normal", "Created", `created Service s-${i}`);
      await rec.shutdown(true);
      expect([sink.writes.length, rec.pending]).to.deep.equal([7, 0]);
      await rec.record(forum, "Normal", "Created", "created Service late");
      expect([sink.writes.length, rec.dropped, log.lines().map((l) => l.msg)]).to.deep.equal([7, 1, ["event dropped: the recorder is stopped"]]);
    });

    it("with drain: gives up after the timeout when the API server does not answer", async () => {
      const sink = new FakeSink();
      const log = logCapture();
      const rec = new EventRecorder(sink.asSink(), log.logger, { workers: 1 });
      await rec.record(forum, "Normal", "Created", "created Service a");
      await rec.record(forum, "Normal", "Created", "created Service b");
      const t0 = Date.now();
      await rec.shutdown(true, 50);
      expect(Date.now() - t0).to.be.within(40, 1000);
      expect(log.lines().map((l) => l.msg)).to.deep.equal(["events not written before shutdown"]);
    });

    it("without drain: forgets what is queued", async () => {
      const sink = new FakeSink();
      const rec = new EventRecorder(sink.asSink(), logCapture().logger, { workers: 1 });
      for (const m of ["a", "b", "c"]) await rec.record(forum, "Normal", "Created", `created ConfigMap ${m}`);
      await rec.shutdown(false);
      await sink.release();
      await sink.release();
      expect([sink.writes.map((w) => w.message), rec.dropped]).to.deep.equal([["created ConfigMap a"], 2]);
    });
  });
});
