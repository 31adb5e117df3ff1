import { expect } from "chai";
import { type AppCode, canonicalJson, CODE_ANNOTATION, codeAnnotations, codeRevision, recordedCode, REVISION_ANNOTATION, specCode, withCode } from "../../../reconciler/builders/app-code.js";
import { buildWebDeployment } from "../../../reconciler/builders/web-deployment.js";
import { deepFreeze, rootForum } from "./fixtures.js";

const code: AppCode = specCode(rootForum());

describe("builders/app-code: the code revision", () => {
  const cases: { name: string; other: AppCode; same: boolean }[] = [
    { name: "the same code, keys in another order", other: { plugins: code.plugins.map((p) => ({ ref: p.ref, repository: p.repository, name: p.name })), image: code.image, version: code.version }, same: true },
    { name: "a new version", other: { ...code, version: "3.5.3" }, same: false },
    { name: "a new image at the same version (discourse lib/version.rb is unchanged, the code is not)", other: { ...code, image: "registry.cern.ch/discourse/discourse:3.5.2-cern2" }, same: false },
    { name: "a plugin added (discourse lib/plugin/instance.rb: its db/migrate joins the migration paths)", other: { ...code, plugins: [...code.plugins, { name: "x", repository: "https://github.com/x/x" }] }, same: false },
    { name: "a plugin at another ref", other: { ...code, plugins: code.plugins.map((p, i) => (i === 0 ? { ...p, ref: "v2" } : p)) }, same: false },
    { name: "plugins in another order (the order they load in)", other: { ...code, plugins: [...code.plugins].reverse() }, same: false },
  ];
  for (const c of cases) it(`${c.name}: ${c.same ? "same" : "new"} revision`, () => expect(codeRevision(c.other) === codeRevision(code)).to.equal(c.same));

  it("is 12 hex digits", () => expect(codeRevision(code)).to.match(/^[0-9a-f]{12}$/));

  it("withCode replaces version, image and plugins only, without touching its input", () => {
    const obj = deepFreeze(rootForum());
    const other: AppCode = { version: "3.4.2", image: "docker.io/discourse/discourse:3.4.2", plugins: [] };
    const out = withCode(obj, other);
    expect(specCode(out)).to.deep.equal(other);
    expect({ ...out.spec, version: obj.spec.version, image: obj.spec.image, plugins: obj.spec.plugins }).to.deep.equal(obj.spec);
  });
});

describe("builders/app-code: the record on web and sidekiq", () => {
  const annotations = codeAnnotations(code);
  const cases: { name: string; annotations: Record<string, string> | undefined; want: AppCode | undefined }[] = [
    { name: "written by codeAnnotations", annotations, want: code },
    { name: "none", annotations: undefined, want: undefined },
    { name: "not JSON", annotations: { ...annotations, [CODE_ANNOTATION]: "{" }, want: undefined },
    { name: "not a code", annotations: { ...annotations, [CODE_ANNOTATION]: '{"version":1}' }, want: undefined },
    { name: "edited by hand (revision does not match)", annotations: { ...annotations, [REVISION_ANNOTATION]: "000000000000" }, want: undefined },
  ];
  for (const c of cases) it(c.name, () => expect(recordedCode(c.annotations)).to.deep.equal(c.want));
});

describe("builders/app-code: canonicalJson", () => {
  it("sorts keys at every depth, so key order is no change", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: true, y: null }], c: "x" } })).to.equal('{"a":{"c":"x","d":[1,{"y":null,"z":true}]},"b":1}');
    expect(canonicalJson({ a: { c: "x", d: [1, { y: null, z: true }] }, b: 1 })).to.equal(canonicalJson({ b: 1, a: { d: [1, { z: true, y: null }], c: "x" } }));
  });

  it("leaves undefined members out and writes an undefined array element as null, as JSON.stringify does", () => {
    expect(canonicalJson({ a: undefined, b: [undefined, 2] })).to.equal(JSON.stringify({ b: [null, 2] }));
    expect(canonicalJson(undefined)).to.equal("null");
    expect(canonicalJson([])).to.equal("[]");
    expect(canonicalJson({})).to.equal("{}");
  });

  it("orders keys by UTF-16 code units and escapes them as JSON does", () => {
    expect(canonicalJson({ b: 1, B: 2, "é": 3, 'q"': 4, "10": 5, "9": 6 })).to.equal('{"10":5,"9":6,"B":2,"b":1,"q\\"":4,"é":3}');
  });

  it("is JSON that parses back to the same value (a pod template)", () => {
    const template = buildWebDeployment(rootForum()).spec?.template;
    const text = canonicalJson(template);
    expect(JSON.parse(text)).to.deep.equal(JSON.parse(JSON.stringify(template)));
  });
});
