/** VersionMemo (reconciler/informer/version-memo.ts): once per version and key, nothing kept without a version. */
import { expect } from "chai";
import { VersionMemo } from "../../../reconciler/informer/version-memo.js";

describe("informer/version-memo", () => {
  it("computes a value once per version and key, null included, and every time without a version", () => {
    const memo = new VersionMemo<boolean, string | null>();
    let calls = 0;
    const compute = (v: string | null) => (): string | null => {
      calls++;
      return v;
    };
    const v1 = {};
    const v2 = {};
    expect(memo.get(v1, true, compute(null))).to.equal(null);
    expect(memo.get(v1, true, compute("other"))).to.equal(null);
    expect(calls).to.equal(1);
    expect(memo.get(v1, false, compute("a"))).to.equal("a");
    expect(memo.get(v2, true, compute("b"))).to.equal("b");
    expect(calls).to.equal(3);
    expect(memo.get(undefined, true, compute("c"))).to.equal("c");
    expect(memo.get(undefined, true, compute("d"))).to.equal("d");
    expect(calls).to.equal(5);
  });

  it("keeps nothing when the computation throws", () => {
    const memo = new VersionMemo<string, number>();
    const v = {};
    expect(() => memo.get(v, "k", () => { throw new Error("boom"); })).to.throw("boom");
    expect(memo.get(v, "k", () => 7)).to.equal(7);
  });
});
