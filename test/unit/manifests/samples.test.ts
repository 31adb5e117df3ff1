import { expect } from "chai";
import { Ajv, type ErrorObject } from "ajv";
import formatsPlugin from "ajv-formats";
import type { FormatsPlugin } from "ajv-formats";
import { API_VERSION, KIND } from "../../../src/api/constants.js";
import { DiscourseSpec } from "../../../src/api/schema.js";
import { readManifests, type KubeObject } from "./load.js";

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = ((formatsPlugin as unknown as { default?: FormatsPlugin }).default ?? formatsPlugin) as FormatsPlugin;
const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
const validateSpec = ajv.compile(DiscourseSpec);

type Discourse = KubeObject & { spec: { hostname: string } };

/** `instancePath keyword` of every schema error of `spec`, sorted; [] when valid. */
function schemaErrors(spec: unknown): string[] {
  validateSpec(spec);
  return (validateSpec.errors ?? []).map((e: ErrorObject) => `${e.instancePath} ${e.keyword}`).sort();
}

type Schema = { properties?: Record<string, Schema>; items?: Schema; patternProperties?: Record<string, Schema> };

/**
 * Paths in `value` that `schema` does not declare. The TypeBox objects allow extra
 * properties, but the apiserver prunes or (kubectl's --validate=strict) rejects them.
 */
function unknownFields(schema: Schema, value: unknown, path = "spec"): string[] {
  if (Array.isArray(value)) return schema.items ? value.flatMap((v, i) => unknownFields(schema.items!, v, `${path}[${i}]`)) : [];
  if (typeof value !== "object" || value === null || !schema.properties) return [];
  return Object.entries(value).flatMap(([key, v]) => {
    const child = schema.properties![key];
    return child ? unknownFields(child, v, `${path}.${key}`) : [`${path}.${key}`];
  });
}

const valid = readManifests("samples")
  .filter((d) => !d.file.startsWith("samples/invalid/") && d.object.kind !== "Kustomization")
  .map((d) => d.object as Discourse);
const invalid = Object.fromEntries(readManifests("samples/invalid").map((d) => [d.object.metadata.name, d.object as Discourse]));

describe("manifests: samples", () => {
  it("are the three CERN forums", () => {
    expect(valid.map((d) => [d.metadata.name, d.spec.hostname])).to.deep.equal([
      ["eos-community", "eos-community.web.cern.ch"],
      ["marketplace", "marketplace.web.cern.ch"],
      ["root-forum", "root-forum.web.cern.ch"],
    ]);
  });

  for (const d of valid) {
    it(`${d.metadata.name} is a ${KIND} whose spec the schema accepts`, () => {
      expect([d.apiVersion, d.kind]).to.deep.equal([API_VERSION, KIND]);
      expect(d.metadata.namespace, "samples are applied to the namespace the user picks").to.equal(undefined);
      expect(schemaErrors(d.spec)).to.deep.equal([]);
      expect(unknownFields(DiscourseSpec as Schema, d.spec)).to.deep.equal([]);
    });
  }

  it("unknownFields finds a misspelt field (so the check above can fail)", () => {
    expect(unknownFields(DiscourseSpec as Schema, { hostname: "a.b", sidekiq: { replica: 1 }, plugins: [{ name: "x", repo: "y" }] }))
      .to.deep.equal(["spec.sidekiq.replica", "spec.plugins[0].repo"]);
  });

  it("root-forum is official with 3 replicas, so it gets no warning", () => {
    const root = valid.find((d) => d.metadata.name === "root-forum");
    expect(root?.spec).to.deep.include({ category: "official", replicas: 3 });
  });

  it("broken-forum is rejected by the schema already: replicas and e-mail (the floating version is the webhook's)", () => {
    expect(schemaErrors(invalid["broken-forum"]?.spec)).to.deep.equal(["/developerEmails/0 format", "/replicas maximum"].sort());
    expect(invalid["broken-forum"]?.spec).to.deep.nested.include({ "env[0].name": "DISCOURSE_DB_PASSWORD" });
  });

  it("clashing-forum passes the schema, so only the validating webhook can reject it", () => {
    const clash = invalid["clashing-forum"];
    expect(schemaErrors(clash?.spec)).to.deep.equal([]);
    expect(unknownFields(DiscourseSpec as Schema, clash?.spec)).to.deep.equal([]);
    expect(clash?.spec.hostname, "the hostname of root-forum").to.equal("root-forum.web.cern.ch");
  });
});
