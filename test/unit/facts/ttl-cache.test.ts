import { expect } from "chai";
import { TtlCache } from "../../../webhooks/facts/ttl-cache.js";

/** A loader that records its calls and resolves when told to. */
function deferredLoader<V>(): { load: () => Promise<V>; calls: number; resolve: (v: V) => void; reject: (e: Error) => void } {
  const pending: Array<{ resolve: (v: V) => void; reject: (e: Error) => void }> = [];
  const l = {
    calls: 0,
    load: (): Promise<V> => {
      l.calls++;
      return new Promise<V>((resolve, reject) => pending.push({ resolve, reject }));
    },
    resolve: (v: V): void => pending.shift()!.resolve(v),
    reject: (e: Error): void => pending.shift()!.reject(e),
  };
  return l;
}

/** Present kept 1000 ms, absent 100 ms, on a hand-moved clock. */
function boolCache(clock: { now: number }, maxEntries?: number): TtlCache<boolean> {
  return new TtlCache<boolean>({ ttlMs: (v) => (v ? 1000 : 100), now: () => clock.now, ...(maxEntries ? { maxEntries } : {}) });
}

interface Case {
  name: string;
  /** Value the loader answers. */
  value: boolean;
  /** Clock times (ms) of successive gets of one key, starting at 0. */
  at: number[];
  /** Loads expected after all gets. */
  loads: number;
}

const cases: Case[] = [
  { name: "a miss loads once", value: true, at: [0], loads: 1 },
  { name: "a hit within the TTL does not load again", value: true, at: [0, 500, 999], loads: 1 },
  { name: "a positive answer expires at its TTL (1000 ms)", value: true, at: [0, 1000], loads: 2 },
  { name: "a negative answer is kept its own, shorter TTL (100 ms)", value: false, at: [0, 99], loads: 1 },
  { name: "a negative answer expires at 100 ms where a positive one would not", value: false, at: [0, 100], loads: 2 },
  { name: "after expiry the reloaded value is cached again", value: true, at: [0, 1000, 1500, 2000], loads: 3 },
];

describe("facts: TtlCache", () => {
  for (const c of cases) {
    it(c.name, async () => {
      const clock = { now: 0 };
      const cache = boolCache(clock);
      let loads = 0;
      const answers: boolean[] = [];
      for (const t of c.at) {
        clock.now = t;
        answers.push(await cache.get("ns/s", () => (loads++, Promise.resolve(c.value))));
      }
      expect({ loads, counted: cache.loads, answers }).to.deep.equal({ loads: c.loads, counted: c.loads, answers: c.at.map(() => c.value) });
    });
  }

  it("concurrent misses of one key share one load (single-flight); other keys load on their own", async () => {
    const cache = boolCache({ now: 0 });
    const l = deferredLoader<boolean>();
    const other = deferredLoader<boolean>();
    const waiting = [cache.get("ns/a", l.load), cache.get("ns/a", l.load), cache.get("ns/a", l.load), cache.get("ns/b", other.load)];
    expect([l.calls, other.calls]).to.deep.equal([1, 1]);
    l.resolve(true);
    other.resolve(false);
    expect(await Promise.all(waiting)).to.deep.equal([true, true, true, false]);
    expect(await cache.get("ns/a", l.load)).to.equal(true);
    expect(l.calls).to.equal(1);
  });

  it("a failed load reaches every waiter, is not cached, and the next get loads again", async () => {
    const cache = boolCache({ now: 0 });
    const l = deferredLoader<boolean>();
    const waiting = [cache.get("k", l.load), cache.get("k", l.load)].map((p) => p.catch((e: Error) => e.message));
    l.reject(new Error("HTTP 500"));
    expect(await Promise.all(waiting)).to.deep.equal(["HTTP 500", "HTTP 500"]);
    expect(cache.size).to.equal(0);
    const again = cache.get("k", l.load);
    l.resolve(true);
    expect([await again, l.calls]).to.deep.equal([true, 2]);
  });

  it("set() wins over a load that started before it (a Secret created while a GET was in flight)", async () => {
    const cache = boolCache({ now: 0 });
    const l = deferredLoader<boolean>();
    const stale = cache.get("k", l.load);
    cache.set("k", true);
    l.resolve(false);
    expect(await stale).to.equal(false);
    expect(cache.peek("k")).to.equal(true);
  });

  it("set() stores with the TTL of the value, peek() sees only fresh entries", () => {
    const clock = { now: 0 };
    const cache = boolCache(clock);
    cache.set("yes", true);
    cache.set("no", false);
    clock.now = 100;
    expect([cache.peek("yes"), cache.peek("no"), cache.peek("never")]).to.deep.equal([true, undefined, undefined]);
  });

  it("refresh-ahead: a hit past the fraction answers the cached value at once and reloads once in the background", async () => {
    const clock = { now: 0 };
    const cache = new TtlCache<string>({ ttlMs: () => 100, refreshAhead: 0.9, now: () => clock.now });
    const l = deferredLoader<string>();
    const first = cache.get("k", l.load);
    l.resolve("v1");
    const answers = [await first];
    clock.now = 89;
    answers.push(await cache.get("k", l.load));
    const callsBeforeRefresh = l.calls;
    clock.now = 90;
    answers.push(await cache.get("k", l.load), await cache.get("k", l.load));
    const callsDuringRefresh = l.calls;
    l.resolve("v2");
    await Promise.resolve();
    await Promise.resolve();
    // Renewed at 90: fresh until 190, no new reload before 180.
    clock.now = 150;
    answers.push(await cache.get("k", l.load));
    expect({ answers, callsBeforeRefresh, callsDuringRefresh, callsAfter: l.calls }).to.deep.equal({
      answers: ["v1", "v1", "v1", "v1", "v2"],
      callsBeforeRefresh: 1,
      callsDuringRefresh: 2,
      callsAfter: 2,
    });
  });

  it("refresh-ahead: a failed background reload is swallowed; the entry still expires at its TTL", async () => {
    const clock = { now: 0 };
    const cache = new TtlCache<string>({ ttlMs: () => 100, refreshAhead: 0.5, now: () => clock.now });
    const l = deferredLoader<string>();
    const first = cache.get("k", l.load);
    l.resolve("v1");
    await first;
    clock.now = 60;
    const during = await cache.get("k", l.load);
    l.reject(new Error("HTTP 500"));
    await Promise.resolve();
    clock.now = 100;
    const after = cache.get("k", l.load);
    l.resolve("v3");
    expect([during, await after, l.calls]).to.deep.equal(["v1", "v3", 3]);
  });

  it("a TTL of 0 caches nothing", async () => {
    const cache = new TtlCache<number>({ ttlMs: () => 0, now: () => 0 });
    let loads = 0;
    await cache.get("k", () => Promise.resolve(++loads));
    await cache.get("k", () => Promise.resolve(++loads));
    expect([loads, cache.size]).to.deep.equal([2, 0]);
  });

  it("beyond maxEntries the oldest stored entry is dropped", () => {
    const cache = boolCache({ now: 0 }, 2);
    cache.set("a", true);
    cache.set("b", true);
    cache.set("a", true);
    cache.set("c", true);
    expect([cache.peek("a"), cache.peek("b"), cache.peek("c"), cache.size]).to.deep.equal([true, undefined, true, 2]);
  });
});
