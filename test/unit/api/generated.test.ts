import { expect } from "chai";
import { REPO_ROOT } from "../../../src/envtest/binaries.js";
import { discourseOpenApiSchema } from "../../../src/api/crd.js";
import type { JsonSchema } from "../../../src/api/structural.js";
import { staleGeneratedFiles } from "../../../src/manifests/generate.js";

function* fields(s: JsonSchema, path: string): Generator<[string, JsonSchema]> {
  yield [path, s];
  const item = s.type === "array" ? (s.items as JsonSchema) : undefined;
  for (const [k, v] of Object.entries(((item ?? s).properties ?? {}) as Record<string, JsonSchema>)) yield* fields(v, `${path}.${k}`);
}

describe("generated files", () => {
  it("are up to date with src/api/schema.ts (run `npm run manifests` when this fails)", () => {
    expect(staleGeneratedFiles(REPO_ROOT)).to.deep.equal([]);
  });

  it("give every spec field a description, and every defaulted field says `Defaults to`", () => {
    const spec = (discourseOpenApiSchema().properties as Record<string, JsonSchema>).spec as JsonSchema;
    const problems: string[] = [];
    for (const [path, s] of fields(spec, "spec")) {
      if (path === "spec.developerEmails" || path.endsWith("[]")) continue;
      const d = typeof s.description === "string" ? s.description : "";
      if (!d) problems.push(`${path}: no description`);
      if (s.default !== undefined && !/Defaults to /.test(d)) problems.push(`${path}: has a default but no "Defaults to"`);
    }
    expect(problems).to.deep.equal([]);
  });
});
