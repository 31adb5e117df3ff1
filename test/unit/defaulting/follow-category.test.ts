/**
 * Resources defaulted from spec.category follow later changes of the category
 * until the user sets them: CREATE through applyDefaults, then UPDATE with the
 * stored object as `previous`, as the mutating webhook runs it. Each case checks
 * the whole spec.resources and the record.
 */
import { expect } from "chai";
import type { DefaultedDiscourse, Discourse } from "../../../src/api/types.js";
import { applyDefaults } from "../../../webhooks/defaulting/apply-defaults.js";
import { DEFAULTED_RESOURCES_ANNOTATION } from "../../../webhooks/defaulting/follow-category.js";
import { CATEGORY_RESOURCES } from "../../../webhooks/defaulting/resource-defaults.js";
import { forum } from "../validation/forum.js";

const created = (spec: Record<string, unknown> = {}): DefaultedDiscourse => applyDefaults(forum(spec), { routeApiAvailable: false });
/** What `kubectl apply`/`edit` sends: the stored object with `change` made to its spec. */
const edited = (stored: DefaultedDiscourse, change: (spec: Record<string, unknown>) => void): Discourse => {
  const next = structuredClone(stored) as unknown as Discourse;
  change(next.spec);
  return next;
};
const updated = (stored: DefaultedDiscourse, change: (spec: Record<string, unknown>) => void): DefaultedDiscourse =>
  applyDefaults(edited(stored, change), { routeApiAvailable: false, previous: stored });
const record = (obj: DefaultedDiscourse): string | undefined => obj.metadata.annotations?.[DEFAULTED_RESOURCES_ANNOTATION];
const ALL = "sidekiq.limits.memory,sidekiq.requests.cpu,sidekiq.requests.memory,web.limits.memory,web.requests.cpu,web.requests.memory";

describe("defaults derived from category follow it until the user sets them", () => {
  it("CREATE records every entry it filled", () => {
    expect(record(created())).to.equal(ALL);
  });

  it("CREATE does not record what the user set", () => {
    const obj = created({ resources: { web: { requests: { cpu: "2" } } } });
    expect(record(obj)).to.equal(ALL.replace("web.requests.cpu,", ""));
  });

  it("personal → official: every defaulted entry takes official's value", () => {
    const stored = created();
    const next = updated(stored, (spec) => (spec.category = "official"));
    expect(next.spec.resources).to.deep.equal(CATEGORY_RESOURCES.official);
    expect(record(next)).to.equal(
      "sidekiq.limits.cpu,sidekiq.limits.memory,sidekiq.requests.cpu,sidekiq.requests.memory,web.limits.cpu,web.limits.memory,web.requests.cpu,web.requests.memory",
    );
  });

  it("official → personal: a limit personal does not default (cpu) goes away", () => {
    const stored = created({ category: "official" });
    const next = updated(stored, (spec) => (spec.category = "personal"));
    expect(next.spec.resources).to.deep.equal(CATEGORY_RESOURCES.personal);
    expect(record(next)).to.equal(ALL);
  });

  it("a value the user set at creation stays through a category change", () => {
    const stored = created({ resources: { web: { requests: { cpu: "2" } } } });
    const next = updated(stored, (spec) => (spec.category = "official"));
    expect(next.spec.resources.web).to.deep.equal({ requests: { cpu: "2", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } });
  });

  it("a defaulted value the user changes later is theirs from then on", () => {
    const stored = created();
    const own = updated(stored, (spec) => ((spec.resources as { web: { requests: Record<string, string> } }).web.requests.cpu = "750m"));
    expect(record(own)).to.equal(ALL.replace("web.requests.cpu,", ""));
    const next = updated(own, (spec) => (spec.category = "test"));
    expect(next.spec.resources.web.requests).to.deep.equal({ cpu: "750m", memory: "1536Mi" });
  });

  it("the user setting exactly the current default still counts as theirs once the annotation says so", () => {
    const stored = created({ resources: { web: { requests: { cpu: "250m" } } } });
    expect(record(stored)).to.equal(ALL.replace("web.requests.cpu,", ""));
    const next = updated(stored, (spec) => (spec.category = "official"));
    expect(next.spec.resources.web.requests?.cpu).to.equal("250m");
  });

  it("a defaulted request follows the user's new, lower limit instead of exceeding it", () => {
    const stored = created();
    const next = updated(stored, (spec) => ((spec.resources as { web: { limits: Record<string, string> } }).web.limits.memory = "512Mi"));
    expect(next.spec.resources.web).to.deep.equal({ requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "512Mi" } });
  });

  it("an UPDATE that changes nothing changes nothing (and a second pass equals the first)", () => {
    const stored = created({ category: "test" });
    const same = updated(stored, () => undefined);
    expect(same).to.deep.equal(stored);
    const moved = updated(stored, (spec) => (spec.category = "official"));
    expect(applyDefaults(moved, { routeApiAvailable: false, previous: stored })).to.deep.equal(moved);
  });

  it("an object stored before the record existed: entries equal to its category's default follow", () => {
    const stored = created({ resources: { web: { requests: { cpu: "3" } } } });
    delete stored.metadata.annotations;
    const next = updated(stored, (spec) => (spec.category = "official"));
    // The official cpu limit (2) is raised to the user's request, as at creation.
    expect(next.spec.resources.web).to.deep.equal({ requests: { cpu: "3", memory: "2Gi" }, limits: { cpu: "3", memory: "4Gi" } });
  });

  it("the reconciler's defaulting (no stored object) changes no value that is there, only fills what is missing", () => {
    const stored = created();
    const moved = structuredClone(stored);
    moved.spec.category = "official";
    const { web, sidekiq } = applyDefaults(moved, { routeApiAvailable: false }).spec.resources;
    expect({ web, sidekiq }).to.deep.equal({
      web: { requests: { cpu: "250m", memory: "1Gi" }, limits: { memory: "2Gi", cpu: "2" } },
      sidekiq: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "1Gi", cpu: "2" } },
    });
  });
});
