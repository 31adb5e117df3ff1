import { expect } from "chai";
import { WorkQueue } from "../../../reconciler/queue/work-queue.js";
import { ExponentialBackoff } from "../../../reconciler/queue/rate-limiter.js";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

describe("ExponentialBackoff", () => {
  const cases = [
    { name: "doubles from the base and caps at max", base: 5, max: 100, failures: 7, want: [5, 10, 20, 40, 80, 100, 100] },
    { name: "defaults: 5ms to 5min", base: undefined, max: undefined, failures: 3, want: [5, 10, 20] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const b = new ExponentialBackoff({ baseMs: c.base, maxMs: c.max });
      const got = Array.from({ length: c.failures }, () => b.when("k"));
      expect(got).to.deep.equal(c.want);
    });
  }
  it("forget resets one key only", () => {
    const b = new ExponentialBackoff({ baseMs: 1 });
    b.when("a"); b.when("a"); b.when("b");
    b.forget("a");
    expect([b.retries("a"), b.retries("b"), b.when("a")]).to.deep.equal([0, 1, 1]);
  });
  it("the default cap is five minutes", () => {
    const b = new ExponentialBackoff();
    for (let i = 0; i < 100; i++) b.when("k");
    expect(b.when("k")).to.equal(300_000);
  });
});

describe("WorkQueue", () => {
  it("collapses duplicates of a waiting key", async () => {
    const q = new WorkQueue();
    const seen: string[] = [];
    for (const k of ["a", "b", "a", "a", "b", "c"]) q.add(k);
    q.start((k) => { seen.push(k); return Promise.resolve(); });
    await sleep(20);
    expect(seen).to.deep.equal(["a", "b", "c"]);
  });

  it("never runs one key twice at once and re-runs a key added while it runs", async () => {
    const q = new WorkQueue({ concurrency: 4 });
    let running = 0;
    let maxRunning = 0;
    let runs = 0;
    q.start(async () => {
      running++; runs++;
      maxRunning = Math.max(maxRunning, running);
      await sleep(30);
      running--;
    });
    q.add("a");
    await sleep(5);
    q.add("a"); q.add("a");
    await sleep(100);
    expect({ maxRunning, runs }).to.deep.equal({ maxRunning: 1, runs: 2 });
  });

  it("processes different keys concurrently up to the limit", async () => {
    const q = new WorkQueue({ concurrency: 2 });
    let running = 0;
    let maxRunning = 0;
    q.start(async () => { running++; maxRunning = Math.max(maxRunning, running); await sleep(20); running--; });
    for (const k of ["a", "b", "c", "d"]) q.add(k);
    await sleep(100);
    expect(maxRunning).to.equal(2);
  });

  it("retries a failing key with growing delays and forgets it on success", async () => {
    const times: number[] = [];
    const delays: number[] = [];
    const q = new WorkQueue({ backoff: { baseMs: 10, maxMs: 1000 }, onError: (_k, _e, d) => delays.push(d) });
    q.start(() => {
      times.push(Date.now());
      return times.length < 4 ? Promise.reject(new Error("boom")) : Promise.resolve();
    });
    q.add("a");
    await sleep(150);
    expect(delays).to.deep.equal([10, 20, 40]);
    expect(times.length).to.equal(4);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    gaps.forEach((g, i) => expect(g).to.be.at.least((delays[i] as number) - 2));
    expect(q.retries("a")).to.equal(0);
  });

  it("shutdown drains work in flight and drops the rest", async () => {
    const q = new WorkQueue();
    const done: string[] = [];
    q.start(async (k) => { await sleep(40); done.push(k); });
    q.add("a"); q.add("b");
    await sleep(5);
    await q.shutdown();
    expect(done).to.deep.equal(["a"]);
    q.add("c");
    await sleep(60);
    expect(done).to.deep.equal(["a"]);
  });

  it("shutdown without drain returns at once", async () => {
    const q = new WorkQueue();
    let finished = false;
    q.start(async () => { await sleep(100); finished = true; });
    q.add("a");
    await sleep(5);
    const t0 = Date.now();
    await q.shutdown(false);
    expect(Date.now() - t0).to.be.below(50);
    expect(finished).to.equal(false);
  });
});
