/** Tables for the parsers the rules rely on: quantities, release versions, image references, env names, field paths. */
import { expect } from "chai";
import { schemaErrors, toFieldPath } from "../../../src/api/ajv.js";
import { compareQuantities, parseQuantity } from "../../../webhooks/validation/quantity.js";
import { compareReleaseVersions } from "../../../webhooks/validation/release-version.js";
import { parseImageReference } from "../../../webhooks/validation/image-reference.js";
import { isReservedEnvName, RESERVED_ENV_NAMES, RESERVED_ENV_PREFIXES } from "../../../webhooks/validation/reserved-env.js";

describe("compareQuantities", () => {
  const cases: Array<[unknown, unknown, -1 | 0 | 1 | null]> = [
    ["1Gi", "1024Mi", 0],
    ["1Gi", 1073741824, 0],
    ["1.5Gi", "1536Mi", 0],
    ["500m", "1", -1],
    ["1", 1, 0],
    ["2", "1500m", 1],
    ["0.5", "500m", 0],
    [".5", "500m", 0],
    ["1k", "1000", 0],
    ["1e3", "1k", 0],
    ["1E3", "1k", 0],
    ["1e-3", "1m", 0],
    ["1Ki", "1k", 1],
    ["1M", "1Mi", -1],
    ["1E", "1Ei", -1],
    ["1Ti", "1024Gi", 0],
    ["100n", "0.1u", 0],
    ["10Gi", "9.99Gi", 1],
    ["+1", "1", 0],
    ["-1", "0", -1],
    [0.25, "250m", 0],
    ["1e1001", "1", null],
    ["abc", "1", null],
    ["1Q", "1", null],
    ["1 Gi", "1Gi", null],
    [true, "1", null],
  ];
  for (const [a, b, want] of cases) {
    it(`${String(a)} vs ${String(b)} → ${String(want)}`, () => expect(compareQuantities(a, b)).to.equal(want));
  }
  it("parses exactly as a fraction", () => {
    expect(parseQuantity("1.5k")).to.deep.equal({ numerator: 15000n, denominator: 10n });
    expect(parseQuantity("-2m")).to.deep.equal({ numerator: -2n, denominator: 1000n });
  });
});

describe("compareReleaseVersions", () => {
  const cases: Array<[string, string, number | null]> = [
    ["3.5.2", "3.5.2", 0],
    ["3.5.3", "3.5.2", 1],
    ["3.10.0", "3.9.0", 1],
    ["2026.7.0", "3.5.2", 1],
    ["3.5.2", "2026.7.0", -1],
    ["3.5.0-beta.3", "3.5.0", -1],
    ["3.5.0-beta.10", "3.5.0-beta.9", 1],
    ["3.5.0-beta", "3.5.0-beta.1", -1],
    ["3.5.0-1", "3.5.0-alpha", -1],
    ["3.5.0-rc.1", "3.5.0-beta.2", 1],
    ["latest", "3.5.2", null],
    ["3.5", "3.5.2", null],
  ];
  for (const [a, b, want] of cases) it(`${a} vs ${b} → ${String(want)}`, () => expect(compareReleaseVersions(a, b)).to.equal(want));
});

describe("parseImageReference", () => {
  const digest = `sha256:${"0123456789abcdef".repeat(4)}`;
  const cases: Array<[string, ReturnType<typeof parseImageReference>]> = [
    ["discourse/discourse:3.5.2", { name: "discourse/discourse", tag: "3.5.2" }],
    ["docker.io/discourse/discourse", { name: "docker.io/discourse/discourse" }],
    ["localhost:5000/d:1", { name: "localhost:5000/d", tag: "1" }],
    ["Registry.CERN.ch/a_b/c-d__e:v1.0-x", { name: "Registry.CERN.ch/a_b/c-d__e", tag: "v1.0-x" }],
    [`d@${digest}`, { name: "d", digest }],
    ["[::1]:5000/d:1", { name: "[::1]:5000/d", tag: "1" }],
    ["Upper/d:1", null],
    ["d:", null],
    ["d:-x", null],
    ["d@sha256:short", null],
    ["a/-b", null],
    ["", null],
    [`${"a".repeat(256)}:1`, null],
  ];
  for (const [ref, want] of cases) it(JSON.stringify(ref.slice(0, 40)), () => expect(parseImageReference(ref)).to.deep.equal(want));
});

describe("reserved env names", () => {
  it("exports the names and prefixes the reconciler sets", () => {
    expect(RESERVED_ENV_NAMES).to.deep.equal(["DISCOURSE_HOSTNAME", "DISCOURSE_DEVELOPER_EMAILS", "DISCOURSE_NOTIFICATION_EMAIL", "DISCOURSE_SECRET_KEY_BASE"]);
    expect(RESERVED_ENV_PREFIXES).to.deep.equal(["DISCOURSE_DB_", "DISCOURSE_REDIS_", "DISCOURSE_SMTP_"]);
  });
  const cases: Array<[string, boolean]> = [
    ["DISCOURSE_HOSTNAME", true],
    ["DISCOURSE_DB_SOCKET", true],
    ["DISCOURSE_REDIS_PASSWORD", true],
    ["DISCOURSE_SMTP_PORT", true],
    ["DISCOURSE_HOSTNAMES", false],
    ["DISCOURSE_DBX", false],
    ["DISCOURSE_CDN_URL", false],
  ];
  for (const [name, want] of cases) it(`${name} → ${String(want)}`, () => expect(isReservedEnvName(name)).to.equal(want));
});

describe("toFieldPath", () => {
  const data = { developerEmails: ["a", "b"], ingress: { annotations: { "a/b": "x", "c~d": "y" } }, plugins: [{ name: "p" }] };
  const cases: Array<[string, string]> = [
    ["", "spec"],
    ["/database/port", "spec.database.port"],
    ["/developerEmails/1", "spec.developerEmails[1]"],
    ["/plugins/0/name", "spec.plugins[0].name"],
    ["/ingress/annotations/a~1b", "spec.ingress.annotations.a/b"],
    ["/ingress/annotations/c~0d", "spec.ingress.annotations.c~d"],
  ];
  for (const [pointer, want] of cases) it(`${pointer || "(root)"} → ${want}`, () => expect(toFieldPath("spec", pointer, data)).to.equal(want));
});

describe("schemaErrors", () => {
  it("is empty for a valid spec", () => {
    expect(schemaErrors({ hostname: "a.example.org", developerEmails: ["a@example.org"] })).to.deep.equal([]);
  });
  it("uses the given root path and reports unknown fields and map values", () => {
    expect(schemaErrors({ hostname: "a.example.org", developerEmails: ["a@example.org"], ingress: { annotations: { a: 1 } }, extra: 1 }, "x")).to.deep.equal([
      { type: "FieldValueForbidden", field: "x.extra", message: 'Forbidden: unknown field "x.extra"' },
      { type: "FieldValueTypeInvalid", field: "x.ingress.annotations.a", message: "Invalid value: 1: x.ingress.annotations.a in body must be of type string" },
    ]);
  });
  it("reports every failing keyword of a field, like the apiserver", () => {
    expect(schemaErrors({ hostname: "", developerEmails: ["a@example.org"] })).to.deep.equal([
      { type: "FieldValueInvalid", field: "spec.hostname", message: 'Invalid value: "": spec.hostname in body should be at least 1 chars long' },
      {
        type: "FieldValueInvalid",
        field: "spec.hostname",
        message: `Invalid value: "": spec.hostname in body should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$'`,
      },
    ]);
  });
});
