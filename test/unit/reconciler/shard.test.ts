import { expect } from "chai";
import { fnv1a32, ownsKey, parseShard, shardLeaseName, shardOf } from "../../../reconciler/shard/shard.js";

describe("shard", () => {
  // Test vectors of the FNV reference (http://www.isthe.com/chongo/tech/comp/fnv/, test_fnv.c: FNV-1a 32).
  const vectors: [string, number][] = [["", 0x811c9dc5], ["a", 0xe40c292c], ["foobar", 0xbf9cf968]];
  for (const [text, want] of vectors) it(`fnv1a32(${JSON.stringify(text)}) = 0x${want.toString(16)}`, () => expect(fnv1a32(text)).to.equal(want));

  it("every key belongs to exactly one of count shards", () => {
    const keys = Array.from({ length: 300 }, (_, i) => `ns-${i % 7}/forum-${i}`);
    for (const count of [1, 2, 3, 5]) {
      const shards = Array.from({ length: count }, (_, index) => ({ index, count }));
      for (const key of keys) expect(shards.filter((s) => ownsKey(s, key)), key).to.have.length(1);
    }
  });

  it("splits 3000 keys evenly enough across 3 shards (each within 10 % of a third)", () => {
    const counts = [0, 0, 0];
    for (let i = 0; i < 3000; i++) counts[shardOf(`bench-operator/forum-${String(i).padStart(4, "0")}`, 3)]!++;
    for (const c of counts) expect(c).to.be.within(900, 1100);
  });

  it("depends on the namespace too", () => {
    const spread = new Set(Array.from({ length: 20 }, (_, i) => shardOf(`team-${i}/forum`, 4)));
    expect(spread.size).to.be.greaterThan(1);
  });

  it("without a shard every key is owned", () => expect(ownsKey(undefined, "a/b")).to.equal(true));

  const parsed: { text: string; want: { index: number; count: number } }[] = [
    { text: "0/3", want: { index: 0, count: 3 } },
    { text: "2/3", want: { index: 2, count: 3 } },
    { text: "4/3", want: { index: 1, count: 3 } },
    { text: "0/1", want: { index: 0, count: 1 } },
  ];
  for (const c of parsed) it(`parses ${c.text}`, () => expect(parseShard(c.text)).to.deep.equal(c.want));
  for (const bad of ["", "1", "1/0", "-1/3", "a/3", "1/3/4", "1.5/3"]) {
    it(`rejects ${JSON.stringify(bad)}`, () => expect(() => parseShard(bad)).to.throw(/not a shard/));
  }

  it("names one Lease per shard and count", () => {
    expect(shardLeaseName("discourse-operator-reconciler", { index: 1, count: 3 })).to.equal("discourse-operator-reconciler-shard-1-of-3");
    expect(shardLeaseName("discourse-operator-reconciler", undefined)).to.equal("discourse-operator-reconciler");
  });
});
