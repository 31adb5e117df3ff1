/** Offline validation of the YAML fixtures, and the kubectl-style formatting. */
import { readFileSync } from "node:fs";
import { expect } from "chai";
import { DEFAULT_DISCOURSE_VERSION } from "../../../src/api/constants.js";
import { validateDocument } from "../../../webhooks/validation/validate-document.js";
import { formatErrors, formatWarnings } from "../../../webhooks/validation/format-errors.js";
import type { FieldError } from "../../../webhooks/validation/types.js";
import { err, result } from "./forum.js";

const fixture = (path: string): string => readFileSync(new URL(`../../fixtures/discourses/${path}`, import.meta.url), "utf8");

describe("validateDocument on fixtures", () => {
  const cases: Array<{ file: string; want: ReturnType<typeof validateDocument> }> = [
    { file: "valid/minimal.yaml", want: [{ name: "my-forum", result: result() }] },
    { file: "valid/official-external.yaml", want: [{ name: "cds-forum", result: result() }] },
    {
      file: "valid/multi.yaml",
      want: [
        { name: "test-forum", result: result() },
        { name: "scaled-forum", result: result() },
      ],
    },
    {
      file: "invalid/duplicate-hostnames.yaml",
      want: [
        { name: "first", result: result([err("FieldValueDuplicate", "spec.hostname", 'Duplicate value: "shared.web.cern.ch": already used by Discourse "team-b/second"')]) },
        { name: "second", result: result([err("FieldValueDuplicate", "spec.hostname", 'Duplicate value: "shared.web.cern.ch": already used by Discourse "team-a/first"')]) },
      ],
    },
    {
      file: "invalid/missing-required.yaml",
      want: [
        {
          name: "empty",
          result: result([
            err("FieldValueRequired", "spec.hostname", "Required value"),
            err("FieldValueRequired", "spec.developerEmails", "Required value"),
            err("FieldValueForbidden", "spec.replica", 'Forbidden: unknown field "spec.replica"'),
            err("FieldValueRequired", "spec.smtp.host", "Required value"),
          ]),
        },
      ],
    },
    {
      file: "invalid/not-yaml.yaml",
      want: [
        {
          name: "<document 1>",
          result: result([
            err("FieldValueInvalid", "", "error converting YAML to JSON: Flow sequence in block collection must be sufficiently indented and end with a ] at line 5, column 1:"),
          ]),
        },
      ],
    },
    {
      file: "invalid/many-problems.yaml",
      want: [
        {
          name: "broken",
          result: result(
            [
              err("FieldValueInvalid", "spec.hostname", `Invalid value: "Broken_Forum": spec.hostname in body should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$'`),
              err("FieldValueInvalid", "spec.replicas", "Invalid value: 51: spec.replicas in body should be less than or equal to 50"),
              err("FieldValueNotSupported", "spec.category", 'Unsupported value: "huge": supported values: "personal", "test", "official"'),
              err("FieldValueTypeInvalid", "spec.developerEmails[1]", 'Invalid value: "not-an-email": spec.developerEmails[1] in body must be of type email: "not-an-email"'),
              err("FieldValueInvalid", "spec.database.port", "Invalid value: 70000: spec.database.port in body should be less than or equal to 65535"),
              err("FieldValueNotSupported", "spec.deletionPolicy", 'Unsupported value: "Orphan": supported values: "Retain", "Delete"'),
              err("FieldValueInvalid", "spec.version", `Invalid value: "latest": floating tag "latest": pin a concrete release such as ${DEFAULT_DISCOURSE_VERSION}`),
              err("FieldValueDuplicate", "spec.developerEmails[2]", 'Duplicate value: "admin@cern.ch"'),
              err(
                "FieldValueForbidden",
                "spec.database.adminSecret",
                "Forbidden: may only be set with spec.database.host (an external database); the managed database is initialised by the operator",
              ),
              err("FieldValueInvalid", "spec.resources.web.requests.cpu", 'Invalid value: "2": must be less than or equal to cpu limit of 500m'),
              err("FieldValueDuplicate", "spec.plugins[1].name", 'Duplicate value: "solved"'),
              err(
                "FieldValueInvalid",
                "spec.plugins[0].repository",
                'Invalid value: "http://github.com/discourse/discourse-solved": must be an https:// git URL, e.g. https://github.com/discourse/discourse-solved',
              ),
              err("FieldValueForbidden", "spec.env[0].name", "Forbidden: DISCOURSE_DB_HOST is set by the operator from spec.database"),
              err("FieldValueInvalid", "spec.env[1].name", 'Invalid value: "RAILS_ENV": must start with DISCOURSE_: Discourse reads its settings from DISCOURSE_* variables'),
            ],
            [],
          ),
        },
      ],
    },
  ];
  for (const c of cases) it(c.file, () => expect(validateDocument(fixture(c.file))).to.deep.equal(c.want));
});

describe("validateDocument on text", () => {
  const cases: Array<{ name: string; text: string; want: ReturnType<typeof validateDocument> }> = [
    { name: "an empty text holds no Discourse", text: "", want: [] },
    { name: "other kinds are skipped", text: "apiVersion: v1\nkind: Secret\nmetadata: {name: x}\n", want: [] },
    {
      name: "a List is unpacked and a wrong apiVersion is reported",
      text: [
        "apiVersion: v1",
        "kind: List",
        "items:",
        "  - apiVersion: discourse.cern/v1",
        "    kind: Discourse",
        "    metadata: {name: listed}",
        "    spec: {hostname: listed.example.org, developerEmails: [a@example.org]}",
      ].join("\n"),
      want: [
        {
          name: "listed",
          result: result([err("FieldValueNotSupported", "apiVersion", 'Unsupported value: "discourse.cern/v1": supported values: "discourse.cern/v1alpha1"')]),
        },
      ],
    },
    {
      name: "defaults are applied before validation, as in the cluster (an official forum gets its warning)",
      text: "apiVersion: discourse.cern/v1alpha1\nkind: Discourse\nmetadata: {name: off}\nspec: {hostname: off.example.org, category: official, developerEmails: [a@example.org]}\n",
      want: [{ name: "off", result: result([], ["spec.replicas: an official forum should run at least 2 replicas to stay up during node maintenance (has 1)"]) }],
    },
    {
      name: "a document without a name is numbered",
      text: "---\n---\napiVersion: discourse.cern/v1alpha1\nkind: Discourse\nspec: {hostname: a.example.org, developerEmails: [a@example.org]}\n",
      want: [{ name: "<document 2>", result: result([err("FieldValueRequired", "metadata.name", "Required value: name or generateName is required")]) }],
    },
  ];
  for (const c of cases) it(c.name, () => expect(validateDocument(c.text)).to.deep.equal(c.want));
});

describe("formatErrors", () => {
  const one: FieldError = err("FieldValueInvalid", "spec.replicas", "Invalid value: 51: spec.replicas in body should be less than or equal to 50");
  const two: FieldError = err("FieldValueRequired", "spec.hostname", "Required value");
  const cases: Array<{ name: string; errors: FieldError[]; want: string }> = [
    { name: "no error prints nothing", errors: [], want: "" },
    {
      name: "one error on the heading line",
      errors: [one],
      want: 'The Discourse "x" is invalid: spec.replicas: Invalid value: 51: spec.replicas in body should be less than or equal to 50',
    },
    {
      name: "several errors one per line",
      errors: [one, two],
      want: [
        'The Discourse "x" is invalid: ',
        "* spec.replicas: Invalid value: 51: spec.replicas in body should be less than or equal to 50",
        "* spec.hostname: Required value",
      ].join("\n"),
    },
  ];
  for (const c of cases) it(c.name, () => expect(formatErrors("Discourse", "x", c.errors)).to.equal(c.want));
  it("formats warnings as kubectl does", () => expect(formatWarnings(["a", "b"])).to.deep.equal(["Warning: a", "Warning: b"]));
});
