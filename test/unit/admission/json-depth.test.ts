/** jsonDepth: the nesting depth of JSON text, brackets inside strings (escaped quotes, backslashes) not counted. */
import { expect } from "chai";
import { jsonDepth } from "../../../webhooks/server/json-depth.js";

const depthOf = (text: string, limit = 100): number => jsonDepth(Buffer.from(text, "utf8"), limit);

/** The depth of a parsed value, walked: what jsonDepth must find in its text. */
function structuralDepth(v: unknown): number {
  if (Array.isArray(v)) return 1 + Math.max(0, ...v.map(structuralDepth));
  if (typeof v === "object" && v !== null) return 1 + Math.max(0, ...Object.values(v).map(structuralDepth));
  return 0;
}

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TRICKY = ['"', "\\", "[", "]", "{", "}", '\\"', "\\\\", "é", "\u2028", "a"];

function value(rand: () => number, depth: number): unknown {
  const r = rand();
  if (depth > 6 || r < 0.3) return Array.from({ length: Math.floor(rand() * 4) }, () => TRICKY[Math.floor(rand() * TRICKY.length)]).join("");
  if (r < 0.4) return Math.floor(rand() * 1000);
  if (r < 0.7) return Array.from({ length: Math.floor(rand() * 4) }, () => value(rand, depth + 1));
  return Object.fromEntries(Array.from({ length: Math.floor(rand() * 4) }, (_, i) => [`${TRICKY[i % TRICKY.length]}k${i}`, value(rand, depth + 1)]));
}

describe("jsonDepth", () => {
  const cases: Array<[string, string, number]> = [
    ["a scalar", "42", 0],
    ["a flat object", '{"a":1,"b":"x"}', 1],
    ["nested", '{"a":[{"b":[1,2]}]}', 4],
    ["brackets inside a string", '{"a":"[[[{{{"}', 1],
    ["an escaped quote inside a string", '{"a":"x\\"[[["}', 1],
    ["a string ending in an escaped backslash", '{"a":"x\\\\"}', 1],
    ["an escaped backslash, then a real bracket", '[["x\\\\",[1]]]', 3],
    ["three backslashes before a quote (the quote escaped)", '["\\\\\\"[["]', 1],
    ["an unterminated string", '[["abc', 2],
  ];
  for (const [name, text, want] of cases) {
    it(name, () => {
      expect(depthOf(text)).to.equal(want);
    });
  }

  it("stops once the limit is passed", () => {
    expect(depthOf("[".repeat(100_000), 100)).to.equal(101);
    expect(depthOf(`${"[".repeat(100)}${"]".repeat(100)}`, 100)).to.equal(100);
  });

  it("agrees with the parsed value's depth on 2,000 random documents full of quotes, backslashes and brackets in strings", () => {
    const rand = random(20261202);
    for (let i = 0; i < 2000; i++) {
      const v = value(rand, 0);
      const text = JSON.stringify(v);
      expect(depthOf(text, 1000), text).to.equal(structuralDepth(v));
    }
  });
});
