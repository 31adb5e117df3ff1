/**
 * Every rule of the contract (shared/API.md, the spec table and Admission), as
 * a user meets it: a Discourse written in YAML, `kubectl apply -f -` (or the
 * update / delete sequence), and what kubectl prints. Whether the CRD schema
 * or the validating webhook catches a problem does not matter here; the exit
 * code, the field path and the message do.
 *
 * The webhook runs in this process (runWebhook, url mode, certificates in a
 * temporary folder) and both configurations are deleted afterwards, so other
 * files of the same mocha run never meet a dead webhook.
 *
 * Run: npx mocha --config test/.mocharc.e2e.json test/e2e/rules.test.ts
 */
import { expect } from "chai";
import { stringify } from "yaml";
import { ALLOW_DOWNGRADE_ANNOTATION } from "../../src/api/constants.js";
import { installCrd, kubectl, newNamespace, type KubectlResult } from "../hooks/control-plane.js";
import { startUrlModeWebhook, type UrlModeWebhook } from "../hooks/url-mode-webhook.js";

type Spec = Record<string, unknown>;

/** One step a user takes: apply a Discourse (a change to the valid base), or delete one. */
type Step =
  | { apply: string; spec?: Spec; annotations?: Record<string, string> }
  | { delete: string };

/** A problem the user must read: the field path and the words of its message. */
interface Problem {
  field: string;
  words: string[];
}

interface DeniedCase {
  name: string;
  /** Every step but the last must succeed; the last must be denied. */
  steps: Step[];
  /** Every problem kubectl prints, no more, no fewer (in any order). */
  problems: Problem[];
}

interface AllowedCase {
  name: string;
  steps: Step[];
  /** Every `Warning:` line kubectl prints for the last step, by field. */
  warnings: Problem[];
  /** What is stored afterwards, read with `kubectl get -o jsonpath`. */
  stored?: { jsonpath: string; value: string };
}

const create = (spec: Spec, annotations?: Record<string, string>): Step[] => [{ apply: "forum", spec, ...(annotations ? { annotations } : {}) }];
const update = (from: Spec, to: Spec, annotations?: Record<string, string>): Step[] => [
  { apply: "forum", spec: from },
  { apply: "forum", spec: to, ...(annotations ? { annotations } : {}) },
];
const p = (field: string, ...words: string[]): Problem => ({ field, words });

/** A valid hostname of 254 characters: labels of 63 characters, dots between. */
const LONG_HOSTNAME = `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(59)}.org`;
const emails = (n: number): string[] => Array.from({ length: n }, (_, i) => `admin${i}@example.org`);
const plugin = (name: string, repository = `https://github.com/discourse/discourse-${name}`): Spec => ({ name, repository });

const deniedCases: DeniedCase[] = [
  // spec.hostname
  { name: "hostname not a DNS subdomain", steps: create({ hostname: "-forum.example.org" }), problems: [p("spec.hostname", "Invalid value", "-forum.example.org", "should match")] },
  { name: "hostname longer than 253 characters", steps: create({ hostname: LONG_HOSTNAME }), problems: [p("spec.hostname", "Too long", "253")] },
  { name: "hostname without a dot", steps: create({ hostname: "forum" }), problems: [p("spec.hostname", "Invalid value", '"forum"', "should match")] },
  { name: "hostname in upper case", steps: create({ hostname: "Forum.Example.org" }), problems: [p("spec.hostname", "Invalid value", "Forum.Example.org", "should match")] },
  {
    name: "hostname another Discourse already holds",
    steps: [
      { apply: "holder", spec: { hostname: "taken.<ns>.example.org" } },
      { apply: "forum", spec: { hostname: "taken.<ns>.example.org" } },
    ],
    problems: [p("spec.hostname", "Duplicate value", "taken.<ns>.example.org", "already used by", "<ns>/holder")],
  },
  // spec.version, spec.image
  { name: "version a floating tag", steps: create({ version: "latest" }), problems: [p("spec.version", "Invalid value", '"latest"', 'floating tag "latest"', "pin a concrete release such as")] },
  { name: "version not a concrete release", steps: create({ version: "3.5" }), problems: [p("spec.version", "Invalid value", '"3.5"', "must be a concrete release")] },
  { name: "hostname an IP address", steps: create({ hostname: "10.0.0.1" }), problems: [p("spec.hostname", "Invalid value", '"10.0.0.1"', "not an IP address")] },
  { name: "database.storage.size negative", steps: create({ database: { storage: { size: "-1Gi" } } }), problems: [p("spec.database.storage.size", "Invalid value", '"-1Gi"', "greater than zero")] },
  { name: "storage.uploads.size zero", steps: create({ storage: { uploads: { size: "0" } } }), problems: [p("spec.storage.uploads.size", "Invalid value", '"0"', "greater than zero")] },
  { name: "storage.uploads.size 1e1.5", steps: create({ storage: { uploads: { size: "1e1.5" } } }), problems: [p("spec.storage.uploads.size", "Invalid value", '"1e1.5"', "must be a quantity")] },
  { name: "resources with a name that is no resource", steps: create({ resources: { web: { requests: { cpus: "1" } } } }), problems: [p("spec.resources.web.requests.cpus", "Invalid value", '"cpus"', "standard resource")] },
  { name: "resources with a negative quantity", steps: create({ resources: { web: { limits: { cpu: "-2" } } } }), problems: [p("spec.resources.web.limits.cpu", "Invalid value", '"-2"', "greater than or equal to 0")] },
  { name: "ingress annotation key not a qualified name", steps: create({ ingress: { annotations: { "bad key!": "x" } } }), problems: [p("spec.ingress.annotations", "Invalid value", '"bad key!"', "name part must consist of")] },
  { name: "database.host with a path", steps: create({ database: { host: "db.example.org/x" } }), problems: [p("spec.database.host", "Invalid value", '"db.example.org/x"', "host name")] },
  {
    name: "database.user postgres with adminSecret",
    steps: create({ database: { host: "db.example.org", adminSecret: "pg-admin", user: "postgres" } }),
    problems: [p("spec.database.user", "Forbidden", '"postgres"', "reset its password")],
  },
  {
    name: "plugin repository with credentials",
    steps: create({ plugins: [plugin("solved", "https://user:token@github.com/discourse/discourse-solved")] }),
    problems: [p("spec.plugins[0].repository", "Forbidden", "<redacted>", "credentials in the URL")],
  },
  {
    name: "plugin ref starting with -",
    steps: create({ plugins: [{ ...plugin("solved"), ref: "-c" }] }),
    problems: [p("spec.plugins[0].ref", "Invalid value", '"-c"', "may not start with '-'")],
  },
  { name: "image not a valid reference", steps: create({ image: "docker.io/discourse/discourse::3.5.2" }), problems: [p("spec.image", "Invalid value", "must be a valid image reference")] },
  // spec.replicas, spec.category
  { name: "replicas above 50", steps: create({ replicas: 51 }), problems: [p("spec.replicas", "Invalid value", "51", "less than or equal to 50")] },
  { name: "replicas below 0", steps: create({ replicas: -1 }), problems: [p("spec.replicas", "Invalid value", "-1", "greater than or equal to 0")] },
  { name: "category not in the enum", steps: create({ category: "huge" }), problems: [p("spec.category", "Unsupported value", '"huge"', '"personal"', '"test"', '"official"')] },
  // spec.developerEmails
  { name: "developerEmails empty", steps: create({ developerEmails: [] }), problems: [p("spec.developerEmails", "Invalid value", "at least 1 items")] },
  { name: "developerEmails with an invalid address", steps: create({ developerEmails: ["admin@example.org", "not-an-email"] }), problems: [p("spec.developerEmails[1]", "Invalid value", '"not-an-email"', "email")] },
  {
    name: "developerEmails with a duplicate",
    steps: create({ developerEmails: ["admin@example.org", "other@example.org", "admin@example.org"] }),
    problems: [p("spec.developerEmails[2]", "Duplicate value", '"admin@example.org"')],
  },
  { name: "developerEmails more than 50", steps: create({ developerEmails: emails(51) }), problems: [p("spec.developerEmails", "Too many", "51", "50")] },
  // spec.database
  { name: "database.port out of 1..65535", steps: create({ database: { port: 70000 } }), problems: [p("spec.database.port", "Invalid value", "70000", "less than or equal to 65535")] },
  // database.user defaults to database.name (mutating webhook, before the schema), so it is named too.
  {
    name: "database.name not a PostgreSQL identifier",
    steps: create({ database: { name: "my-forum" } }),
    problems: [p("spec.database.name", "Invalid value", '"my-forum"', "should match"), p("spec.database.user", "Invalid value", '"my-forum"', "should match")],
  },
  {
    name: "database.name longer than 63",
    steps: create({ database: { name: "d".repeat(64) } }),
    problems: [p("spec.database.name", "Too long", "63"), p("spec.database.user", "Too long", "63")],
  },
  { name: "database.user not a PostgreSQL identifier", steps: create({ database: { user: "Forum User" } }), problems: [p("spec.database.user", "Invalid value", '"Forum User"', "should match")] },
  { name: "database.sslMode not in the enum", steps: create({ database: { sslMode: "prefer" } }), problems: [p("spec.database.sslMode", "Unsupported value", '"prefer"', '"disable"', '"require"', '"verify-full"')] },
  { name: "database.version out of 15..18", steps: create({ database: { version: "14" } }), problems: [p("spec.database.version", "Unsupported value", '"14"', '"15"', '"18"')] },
  {
    name: "database.adminSecret with a managed database",
    steps: create({ database: { adminSecret: "pg-admin" } }),
    problems: [p("spec.database.adminSecret", "Forbidden", "spec.database.host", "external")],
  },
  // spec.redis, spec.smtp, spec.ingress, spec.storage
  { name: "redis.port out of 1..65535", steps: create({ redis: { port: 0 } }), problems: [p("spec.redis.port", "Invalid value", "0", "greater than or equal to 1")] },
  { name: "smtp without host", steps: create({ smtp: { port: 587 } }), problems: [p("spec.smtp.host", "Required value")] },
  {
    name: "smtp.fromAddress not an e-mail address",
    steps: create({ smtp: { host: "smtp.example.org", fromAddress: "forum at example.org" } }),
    problems: [p("spec.smtp.fromAddress", "Invalid value", '"forum at example.org"', "email")],
  },
  { name: "ingress.kind not in the enum", steps: create({ ingress: { kind: "Gateway" } }), problems: [p("spec.ingress.kind", "Unsupported value", '"Gateway"', '"Ingress"', '"Route"')] },
  {
    name: "storage.uploads.accessMode not in the enum",
    steps: create({ storage: { uploads: { accessMode: "ReadOnlyMany" } } }),
    problems: [p("spec.storage.uploads.accessMode", "Unsupported value", '"ReadOnlyMany"', '"ReadWriteOnce"', '"ReadWriteMany"')],
  },
  // spec.resources, spec.sidekiq
  {
    name: "resources request above its limit",
    steps: create({ resources: { web: { requests: { memory: "4Gi" }, limits: { memory: "2Gi" } } } }),
    problems: [p("spec.resources.web.requests.memory", "Invalid value", '"4Gi"', "less than or equal to memory limit of 2Gi")],
  },
  { name: "sidekiq.replicas above 20", steps: create({ sidekiq: { replicas: 21 } }), problems: [p("spec.sidekiq.replicas", "Invalid value", "21", "less than or equal to 20")] },
  // spec.plugins, spec.env
  { name: "plugins with a duplicate name", steps: create({ plugins: [plugin("solved"), plugin("chat"), plugin("solved")] }), problems: [p("spec.plugins[2].name", "Duplicate value", '"solved"')] },
  {
    name: "plugin repository not https",
    steps: create({ plugins: [plugin("solved", "http://github.com/discourse/discourse-solved")] }),
    problems: [p("spec.plugins[0].repository", "Invalid value", '"http://github.com/discourse/discourse-solved"', "https://")],
  },
  { name: "env name without DISCOURSE_", steps: create({ env: [{ name: "RAILS_ENV", value: "development" }] }), problems: [p("spec.env[0].name", "Invalid value", '"RAILS_ENV"', "must start with DISCOURSE_")] },
  {
    name: "env name the operator sets itself",
    steps: create({ env: [{ name: "DISCOURSE_MAX_REQS_PER_IP_MODE", value: "warn" }, { name: "DISCOURSE_DB_HOST", value: "elsewhere" }] }),
    problems: [p("spec.env[1].name", "Forbidden", "DISCOURSE_DB_HOST is set by the operator", "spec.database")],
  },
  { name: "deletionPolicy not in the enum", steps: create({ deletionPolicy: "Orphan" }), problems: [p("spec.deletionPolicy", "Unsupported value", '"Orphan"', '"Retain"', '"Delete"')] },
  // UPDATE
  { name: "UPDATE database.name", steps: update({ database: { name: "forum_a" } }, { database: { name: "forum_b" } }), problems: [p("spec.database.name", "Invalid value", "database name is immutable")] },
  { name: "UPDATE database.user", steps: update({ database: { user: "forum_a" } }, { database: { user: "forum_b" } }), problems: [p("spec.database.user", "Invalid value", "database user is immutable")] },
  {
    name: "UPDATE storage.uploads.storageClassName",
    steps: update({ storage: { uploads: { storageClassName: "standard" } } }, { storage: { uploads: { storageClassName: "fast" } } }),
    problems: [p("spec.storage.uploads.storageClassName", "Invalid value", "storageClassName is immutable")],
  },
  {
    name: "UPDATE database.storage.storageClassName",
    steps: update({ database: { storage: { storageClassName: "standard" } } }, { database: { storage: { storageClassName: "fast" } } }),
    problems: [p("spec.database.storage.storageClassName", "Invalid value", "storageClassName is immutable")],
  },
  {
    name: "UPDATE storage.uploads.accessMode",
    steps: update({ storage: { uploads: { accessMode: "ReadWriteOnce" } } }, { storage: { uploads: { accessMode: "ReadWriteMany" } } }),
    problems: [p("spec.storage.uploads.accessMode", "Invalid value", '"ReadWriteMany"', "immutable", "access modes of a claim")],
  },
  {
    name: "UPDATE database.credentialsSecret while managed",
    steps: update({}, { database: { credentialsSecret: "other" } }),
    problems: [p("spec.database.credentialsSecret", "Invalid value", '"other"', "immutable while the database is managed")],
  },
  {
    name: "UPDATE database.version while managed",
    steps: update({ database: { version: "16" } }, { database: { version: "17" } }),
    problems: [p("spec.database.version", "Invalid value", '"17"', "immutable while the database is managed")],
  },
  {
    name: "UPDATE storage.uploads.size shrinks",
    steps: update({ storage: { uploads: { size: "20Gi" } } }, { storage: { uploads: { size: "15Gi" } } }),
    problems: [p("spec.storage.uploads.size", "Forbidden", "20Gi", "never shrink")],
  },
  {
    name: "UPDATE database.storage.size shrinks",
    steps: update({ database: { storage: { size: "20Gi" } } }, { database: { storage: { size: "15Gi" } } }),
    problems: [p("spec.database.storage.size", "Forbidden", "20Gi", "never shrink")],
  },
  {
    name: "UPDATE managed database to an external one",
    steps: update({}, { database: { host: "pg.example.org" } }),
    problems: [p("spec.database.host", "Forbidden", "managed", "external")],
  },
  {
    name: "UPDATE version downgrade without the annotation",
    steps: update({ version: "3.5.2" }, { version: "3.4.2" }),
    problems: [p("spec.version", "Forbidden", "3.5.2", "3.4.2", ALLOW_DOWNGRADE_ANNOTATION)],
  },
  // DELETE
  {
    name: "DELETE with deletionProtection",
    steps: [{ apply: "forum", spec: { deletionProtection: true } }, { delete: "forum" }],
    problems: [p("spec.deletionProtection", "Forbidden", "protected", "set spec.deletionProtection to false")],
  },
  // Several problems in one object, reported together.
  {
    name: "several problems the schema catches, all at once",
    steps: create({ hostname: "Broken_Forum", replicas: 51, category: "huge", database: { port: 70000 }, deletionPolicy: "Orphan" }),
    problems: [
      p("spec.hostname", "Invalid value", '"Broken_Forum"'),
      p("spec.replicas", "Invalid value", "less than or equal to 50"),
      p("spec.category", "Unsupported value", '"huge"'),
      p("spec.database.port", "Invalid value", "less than or equal to 65535"),
      p("spec.deletionPolicy", "Unsupported value", '"Orphan"'),
    ],
  },
  {
    name: "several problems the webhook catches, all at once",
    steps: [
      { apply: "holder", spec: { hostname: "shared.<ns>.example.org" } },
      {
        apply: "forum",
        spec: {
          hostname: "shared.<ns>.example.org",
          developerEmails: ["admin@example.org", "admin@example.org"],
          database: { adminSecret: "pg-admin" },
          resources: { sidekiq: { requests: { cpu: "2" }, limits: { cpu: "500m" } } },
          plugins: [plugin("solved"), plugin("solved")],
          env: [{ name: "DISCOURSE_HOSTNAME", value: "elsewhere.example.org" }, { name: "RAILS_ENV", value: "development" }],
        },
      },
    ],
    problems: [
      p("spec.hostname", "Duplicate value", "already used by"),
      p("spec.developerEmails[1]", "Duplicate value"),
      p("spec.database.adminSecret", "Forbidden"),
      p("spec.resources.sidekiq.requests.cpu", "Invalid value", "less than or equal to cpu limit of 500m"),
      p("spec.plugins[1].name", "Duplicate value"),
      p("spec.env[0].name", "Forbidden", "spec.hostname"),
      p("spec.env[1].name", "Invalid value", "DISCOURSE_"),
    ],
  },
];

const allowedCases: AllowedCase[] = [
  {
    name: "UPDATE version downgrade with the allow-downgrade annotation",
    steps: update({ version: "3.5.2" }, { version: "3.4.2" }, { [ALLOW_DOWNGRADE_ANNOTATION]: "true" }),
    warnings: [],
    stored: { jsonpath: "{.spec.version}", value: "3.4.2" },
  },
  {
    name: "official forum with one replica: a warning",
    steps: create({ category: "official", replicas: 1 }),
    warnings: [p("spec.replicas", "official", "at least 2 replicas")],
    stored: { jsonpath: "{.spec.category}/{.spec.replicas}", value: "official/1" },
  },
  {
    name: "ReadWriteOnce uploads with several replicas: a warning",
    steps: create({ replicas: 3, storage: { uploads: { accessMode: "ReadWriteOnce" } } }),
    warnings: [p("spec.storage.uploads.accessMode", "ReadWriteOnce", "3 replicas", "ReadWriteMany")],
    stored: { jsonpath: "{.spec.storage.uploads.accessMode}/{.spec.replicas}", value: "ReadWriteOnce/3" },
  },
];

/**
 * The apiserver's own note, added when the schema fails and the CRD's CEL
 * rules (x-kubernetes-validations) could not run; not a problem of the object.
 */
const CEL_SKIPPED =
  '<nil>: Invalid value: "null": some validation rules were not checked because the object was invalid; correct the existing errors to complete validation';

interface Printed {
  field: string;
  message: string;
}

/**
 * The problems of a denial as kubectl prints them:
 * `The Discourse "x" is invalid: <field>: <message>` for one, or that header
 * followed by `* <field>: <message>` lines for several.
 */
function printedProblems(stderr: string, name: string): Printed[] {
  const header = `The Discourse "${name}" is invalid: `;
  const denial = stderr
    .split("\n")
    .filter((l) => !l.startsWith("Warning: "))
    .join("\n");
  expect(denial.startsWith(header), stderr).to.equal(true);
  const body = denial.slice(header.length).trim();
  const lines = body.startsWith("* ") ? body.split("\n").map((l) => l.replace(/^\* /, "")) : [body];
  return lines.filter((line) => line !== CEL_SKIPPED).map((line) => {
    const m = /^(spec[^:\s]*): (.*)$/.exec(line);
    expect(m, `not a field problem: ${line}\n${stderr}`).to.not.equal(null);
    return { field: m?.[1] ?? "", message: m?.[2] ?? "" };
  });
}

/** The `Warning: <field>: <message>` lines (and `Warning: <field> ...`) kubectl prints. */
function printedWarnings(stderr: string): Printed[] {
  return stderr
    .split("\n")
    .filter((l) => l.startsWith("Warning: "))
    .map((l) => {
      const text = l.slice("Warning: ".length);
      const field = /^(spec[^:\s]*)/.exec(text)?.[1] ?? "";
      return { field, message: text };
    });
}

/** Every expected problem is printed, under its field, with every word; nothing else is. */
function expectProblems(printed: Printed[], expected: Problem[], stderr: string): void {
  expect(printed.map((x) => x.field).sort(), stderr).to.deep.equal(expected.map((x) => x.field).sort());
  for (const e of expected) {
    const message = printed.find((x) => x.field === e.field)?.message ?? "";
    for (const word of e.words) expect(message, `${e.field}: ${stderr}`).to.include(word);
  }
}

describe("every rule of the contract, through kubectl apply", function () {
  this.timeout(60000);
  let served: UrlModeWebhook | undefined;
  let ns: string;
  let counter = 0;

  before(async () => {
    await installCrd();
    served = await startUrlModeWebhook("e2e-rules");
    ns = await newNamespace("e2e-rules");
  });

  after(async () => {
    await served?.stop();
    // Free the hostnames and leave nothing for a reconciler of a later file.
    if (ns) await kubectl(["delete", "namespace", ns, "--wait=false"]);
  });

  /**
   * Runs the steps of one case with names unique to it (`<name>-<n>`), each
   * object built from the valid base (hostname, one developer e-mail) with
   * the case's change; returns the result of the last step and its object name.
   */
  async function run(steps: Step[]): Promise<{ last: KubectlResult; name: string }> {
    const suffix = String(++counter);
    const fill = (s: string): string => s.replaceAll("<ns>", ns);
    let last: KubectlResult = { code: -1, stdout: "", stderr: "" };
    let name = "";
    for (const [i, step] of steps.entries()) {
      if (i > 0) expect(last.code, `step ${i} failed: ${last.stderr}`).to.equal(0);
      if ("delete" in step) {
        name = `${step.delete}-${suffix}`;
        last = await kubectl(["delete", "discourse", "-n", ns, name, "--wait=false"]);
        continue;
      }
      name = `${step.apply}-${suffix}`;
      const spec = JSON.parse(fill(JSON.stringify(step.spec ?? {}))) as Spec;
      const doc = {
        apiVersion: "discourse.cern/v1alpha1",
        kind: "Discourse",
        metadata: { name, ...(step.annotations ? { annotations: step.annotations } : {}) },
        spec: { hostname: `${name}.${ns}.example.org`, developerEmails: ["admin@example.org"], ...spec },
      };
      last = await kubectl(["apply", "-n", ns, "-f", "-"], { input: stringify(doc) });
    }
    return { last, name };
  }

  describe("a malformed Discourse is denied with the field path and the message", () => {
    for (const c of deniedCases) {
      it(c.name, async () => {
        const { last, name } = await run(c.steps);
        expect(last.code, last.stdout).to.not.equal(0);
        const expected = c.problems.map((x) => ({ field: x.field, words: x.words.map((w) => w.replaceAll("<ns>", ns)) }));
        expectProblems(printedProblems(last.stderr, name), expected, last.stderr);
      });
    }
  });

  describe("a valid Discourse is admitted, with warnings for soft problems", () => {
    for (const c of allowedCases) {
      it(c.name, async () => {
        const { last, name } = await run(c.steps);
        expect(last.code, last.stderr).to.equal(0);
        expectProblems(printedWarnings(last.stderr), c.warnings, last.stderr);
        if (c.stored) {
          const got = await kubectl(["get", "discourse", "-n", ns, name, "-o", `jsonpath=${c.stored.jsonpath}`]);
          expect(got.stdout, got.stderr).to.equal(c.stored.value);
        }
      });
    }
  });
});
