import { expect } from "chai";
import { HostnameIndex, indexEvent, indexedObject, type DiscourseLike } from "../../../webhooks/facts/hostname-index.js";
import type { HostnameClaim } from "../../../webhooks/facts/types.js";

const forum = (namespace: string, name: string, hostname?: unknown): DiscourseLike => ({
  metadata: { namespace, name },
  spec: hostname === undefined ? {} : { hostname },
});

type Step = ["add" | "update" | "delete", DiscourseLike];

interface Case {
  name: string;
  steps: Step[];
  /** claimsOf(hostname[, except]) after the steps. */
  lookup: { hostname: string; except?: { namespace: string; name: string | undefined } };
  expected: HostnameClaim[];
  size: number;
}

const cases: Case[] = [
  {
    name: "an added Discourse claims its hostname",
    steps: [["add", forum("a", "forum", "forum.example.org")]],
    lookup: { hostname: "forum.example.org" },
    expected: [{ namespace: "a", name: "forum", hostname: "forum.example.org" }],
    size: 1,
  },
  {
    name: "the lookup ignores case (DNS names, as the rule compares them) and keeps the stored spelling",
    steps: [["add", forum("a", "forum", "Forum.Example.org")]],
    lookup: { hostname: "FORUM.example.ORG" },
    expected: [{ namespace: "a", name: "forum", hostname: "Forum.Example.org" }],
    size: 1,
  },
  {
    name: "the object under admission is left out (same namespace and name)",
    steps: [["add", forum("a", "forum", "forum.example.org")], ["add", forum("b", "forum", "forum.example.org")]],
    lookup: { hostname: "forum.example.org", except: { namespace: "a", name: "forum" } },
    expected: [{ namespace: "b", name: "forum", hostname: "forum.example.org" }],
    size: 2,
  },
  {
    name: "a same-named object of another namespace is not the object under admission",
    steps: [["add", forum("a", "forum", "forum.example.org")]],
    lookup: { hostname: "forum.example.org", except: { namespace: "b", name: "forum" } },
    expected: [{ namespace: "a", name: "forum", hostname: "forum.example.org" }],
    size: 1,
  },
  {
    name: "several claimants come back sorted by namespace/name",
    steps: [["add", forum("z", "x", "h.example.org")], ["add", forum("a", "y", "h.example.org")], ["add", forum("a", "b", "h.example.org")]],
    lookup: { hostname: "h.example.org" },
    expected: [
      { namespace: "a", name: "b", hostname: "h.example.org" },
      { namespace: "a", name: "y", hostname: "h.example.org" },
      { namespace: "z", name: "x", hostname: "h.example.org" },
    ],
    size: 3,
  },
  {
    name: "an update that changes the hostname frees the old one",
    steps: [["add", forum("a", "forum", "old.example.org")], ["update", forum("a", "forum", "new.example.org")]],
    lookup: { hostname: "old.example.org" },
    expected: [],
    size: 1,
  },
  {
    name: "an update that changes the hostname claims the new one",
    steps: [["add", forum("a", "forum", "old.example.org")], ["update", forum("a", "forum", "new.example.org")]],
    lookup: { hostname: "new.example.org" },
    expected: [{ namespace: "a", name: "forum", hostname: "new.example.org" }],
    size: 1,
  },
  {
    name: "an update without a hostname change keeps the claim once",
    steps: [["add", forum("a", "forum", "h.example.org")], ["update", forum("a", "forum", "h.example.org")]],
    lookup: { hostname: "h.example.org" },
    expected: [{ namespace: "a", name: "forum", hostname: "h.example.org" }],
    size: 1,
  },
  {
    name: "a delete frees the hostname",
    steps: [["add", forum("a", "forum", "h.example.org")], ["delete", forum("a", "forum", "h.example.org")]],
    lookup: { hostname: "h.example.org" },
    expected: [],
    size: 0,
  },
  {
    name: "a delete frees only that object's claim",
    steps: [["add", forum("a", "forum", "h.example.org")], ["add", forum("b", "forum", "h.example.org")], ["delete", forum("a", "forum")]],
    lookup: { hostname: "h.example.org" },
    expected: [{ namespace: "b", name: "forum", hostname: "h.example.org" }],
    size: 1,
  },
  {
    name: "a delete of an unknown object changes nothing",
    steps: [["add", forum("a", "forum", "h.example.org")], ["delete", forum("a", "other", "h.example.org")]],
    lookup: { hostname: "h.example.org" },
    expected: [{ namespace: "a", name: "forum", hostname: "h.example.org" }],
    size: 1,
  },
  {
    name: "a Discourse without a string hostname claims nothing (malformed objects are skipped)",
    steps: [["add", forum("a", "none")], ["add", forum("a", "number", 42)], ["add", forum("a", "empty", "")]],
    lookup: { hostname: "42" },
    expected: [],
    size: 0,
  },
  {
    name: "an update removing the hostname frees it",
    steps: [["add", forum("a", "forum", "h.example.org")], ["update", forum("a", "forum")]],
    lookup: { hostname: "h.example.org" },
    expected: [],
    size: 0,
  },
];

describe("facts: HostnameIndex fed by informer events", () => {
  for (const c of cases) {
    it(c.name, () => {
      const index = new HostnameIndex();
      const handle = indexEvent(index);
      for (const [event, obj] of c.steps) handle(event, obj);
      expect(index.claimsOf(c.lookup.hostname, c.lookup.except)).to.deep.equal(c.expected);
      expect(index.size).to.equal(c.size);
    });
  }

  it("indexedObject reads namespace, name and a string spec.hostname only", () => {
    expect([
      indexedObject(forum("a", "f", "h.example.org")),
      indexedObject(forum("a", "f", 7)),
      indexedObject({ metadata: { name: "f" } }),
      indexedObject({ metadata: { namespace: "a", name: "f" }, spec: "junk" }),
    ]).to.deep.equal([
      { namespace: "a", name: "f", hostname: "h.example.org" },
      { namespace: "a", name: "f" },
      { namespace: "", name: "f" },
      { namespace: "a", name: "f" },
    ]);
  });
});
