/**
 * What admission refuses because it could never be applied (issue 11, "Admission
 * refuses what cannot work"): each case through validate(), asserting the whole
 * result, field path and words included. Each of these was admitted before.
 */
import { expect } from "chai";
import type { Discourse } from "../../../src/api/types.js";
import { validate } from "../../../webhooks/validation/validate.js";
import type { Operation, ValidationResult } from "../../../webhooks/validation/types.js";
import { QUANTITY_MESSAGE } from "../../../webhooks/validation/rules/sizes.js";
import { err, forum, result } from "./forum.js";

interface Case {
  name: string;
  obj: Discourse;
  old?: Discourse;
  want: ValidationResult;
}

function run(table: string, cases: Case[], operation: Operation = "CREATE"): void {
  describe(table, () => {
    for (const c of cases) {
      it(c.name, () => {
        expect(validate(c.obj, c.old, { otherHostnames: [] }, operation)).to.deep.equal(c.want);
      });
    }
  });
}

const invalid = (field: string, value: string, detail: string) => err("FieldValueInvalid", field, `Invalid value: ${JSON.stringify(value)}: ${detail}`);
const GT_ZERO = "must be greater than zero";

run("volume sizes are greater than zero", [
  { name: "10Gi passes", obj: forum({ database: { storage: { size: "10Gi" } }, storage: { uploads: { size: "10Gi" } } }), want: result() },
  { name: "a plain integer of bytes passes", obj: forum({ storage: { uploads: { size: 1073741824 } } }), want: result() },
  { name: "-1Gi for the database", obj: forum({ database: { storage: { size: "-1Gi" } } }), want: result([invalid("spec.database.storage.size", "-1Gi", GT_ZERO)]) },
  { name: "0 for the uploads", obj: forum({ storage: { uploads: { size: "0" } } }), want: result([invalid("spec.storage.uploads.size", "0", GT_ZERO)]) },
  {
    name: "the integer 0 for the uploads",
    obj: forum({ storage: { uploads: { size: 0 } } }),
    want: result([err("FieldValueInvalid", "spec.storage.uploads.size", `Invalid value: 0: ${GT_ZERO}`)]),
  },
  { name: "0Mi is zero too", obj: forum({ storage: { uploads: { size: "0Mi" } } }), want: result([invalid("spec.storage.uploads.size", "0Mi", GT_ZERO)]) },
  {
    name: "1e1.5 passes the CRD's pattern but is no quantity",
    obj: forum({ database: { storage: { size: "1e1.5" } } }),
    want: result([invalid("spec.database.storage.size", "1e1.5", QUANTITY_MESSAGE)]),
  },
]);

describe("redis and backup sizes are checked when the fields exist", () => {
  for (const path of [["redis"], ["backup"]] as const) {
    it(`spec.${path[0]}.storage.size: -5Mi is refused with its field path`, () => {
      const { errors } = validate(forum({ [path[0]]: { storage: { size: "-5Mi" } } }), undefined, { otherHostnames: [] }, "CREATE");
      expect(errors).to.deep.include(invalid(`spec.${path[0]}.storage.size`, "-5Mi", GT_ZERO));
    });
  }
});

const STANDARD =
  "must be a standard resource for containers (cpu, memory, ephemeral-storage, hugepages-<size>) or a domain-prefixed extended resource such as nvidia.com/gpu";
run("resources: standard names, quantities not negative", [
  {
    name: "cpu, memory, ephemeral-storage, hugepages and nvidia.com/gpu pass",
    obj: forum({
      resources: {
        web: {
          requests: { cpu: "500m", memory: "1Gi", "ephemeral-storage": "1Gi", "hugepages-2Mi": "64Mi", "nvidia.com/gpu": "1" },
          limits: { memory: "2Gi", "hugepages-2Mi": "64Mi", "nvidia.com/gpu": "1" },
        },
      },
    }),
    want: result(),
  },
  {
    name: "cpus is not a resource name",
    obj: forum({ resources: { web: { requests: { cpus: "1" } } } }),
    want: result([invalid("spec.resources.web.requests.cpus", "cpus", STANDARD)]),
  },
  {
    name: "a negative request and a negative limit",
    obj: forum({ resources: { sidekiq: { requests: { cpu: "-1" }, limits: { memory: "-1Gi" } } } }),
    want: result([
      invalid("spec.resources.sidekiq.requests.cpu", "-1", "must be greater than or equal to 0"),
      invalid("spec.resources.sidekiq.limits.memory", "-1Gi", "must be greater than or equal to 0"),
    ]),
  },
  {
    name: "an extended resource without a limit (it cannot be overcommitted)",
    obj: forum({ resources: { web: { requests: { "nvidia.com/gpu": "1" } } } }),
    want: result([err("FieldValueRequired", "spec.resources.web.limits.nvidia.com/gpu", "Required value: Limit must be set for non overcommitable resources")]),
  },
  {
    name: "an extended resource with a request below its limit",
    obj: forum({ resources: { web: { requests: { "nvidia.com/gpu": "1" }, limits: { "nvidia.com/gpu": "2" } } } }),
    want: result([invalid("spec.resources.web.requests.nvidia.com/gpu", "1", "must be equal to nvidia.com/gpu limit of 2")]),
  },
  {
    name: "a request over its limit is still named",
    obj: forum({ resources: { web: { requests: { memory: "3Gi" }, limits: { memory: "2Gi" } } } }),
    want: result([invalid("spec.resources.web.requests.memory", "3Gi", "must be less than or equal to memory limit of 2Gi")]),
  },
  {
    name: "a domain that is not a DNS subdomain",
    obj: forum({ resources: { web: { limits: { "Bad_Domain/gpu": "1" } } } }),
    want: result([invalid("spec.resources.web.limits.Bad_Domain/gpu", "Bad_Domain/gpu", "prefix part must be a lowercase RFC 1123 subdomain (e.g. 'example.com')")]),
  },
]);

run("ingress annotation keys", [
  {
    name: "cert-manager.io/cluster-issuer and a plain key pass",
    obj: forum({ ingress: { annotations: { "cert-manager.io/cluster-issuer": "letsencrypt", "nginx.ingress.kubernetes.io/proxy-body-size": "100m", plain: "x" } } }),
    want: result(),
  },
  {
    name: "bad key! is refused",
    obj: forum({ ingress: { annotations: { "bad key!": "x" } } }),
    want: result([
      invalid(
        "spec.ingress.annotations",
        "bad key!",
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc')",
      ),
    ]),
  },
  {
    name: "two slashes are refused",
    obj: forum({ ingress: { annotations: { "a/b/c": "x" } } }),
    want: result([
      invalid("spec.ingress.annotations", "a/b/c", "a qualified name must consist of alphanumeric characters, '-', '_' or '.', with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"),
    ]),
  },
]);

run("hostname is not an IP address", [
  { name: "10.0.0.1 is refused", obj: forum({ hostname: "10.0.0.1" }), want: result([invalid("spec.hostname", "10.0.0.1", "must be a DNS name, not an IP address")]) },
  { name: "a name with digits passes", obj: forum({ hostname: "forum1.10.example.org" }), want: result() },
]);

const HOST = "must be a host name (e.g. db.example.org) or an IP address, without scheme, port, path, user or spaces; the port goes into spec.database.port";
run("database.host is a host name or an IP", [
  { name: "a DNS name passes", obj: forum({ database: { host: "db.Example.org" } }), want: result() },
  { name: "an IPv4 address passes", obj: forum({ database: { host: "192.0.2.10" } }), want: result() },
  { name: "an IPv6 address passes", obj: forum({ database: { host: "2001:db8::10" } }), want: result() },
  ...["db.example.org/x", "user@db.example.org", "db?sslmode=disable", "db example", "db.example.org:5432", "postgresql://db"].map((host) => ({
    name: `${host} is refused`,
    obj: forum({ database: { host } }),
    want: result([invalid("spec.database.host", host, HOST)]),
  })),
]);

const RESERVED = (user: string) =>
  err(
    "FieldValueForbidden",
    "spec.database.user",
    `Forbidden: "${user}" is a role the PostgreSQL server relies on; with spec.database.adminSecret the operator would reset its password: choose a role of the forum's own, e.g. the default (spec.database.name)`,
  );
run("database.user is not a reserved role when adminSecret is set", [
  { name: "postgres with adminSecret is refused", obj: forum({ database: { host: "db.example.org", adminSecret: "admin", user: "postgres" } }), want: result([RESERVED("postgres")]) },
  { name: "pg_monitor with adminSecret is refused", obj: forum({ database: { host: "db.example.org", adminSecret: "admin", user: "pg_monitor" } }), want: result([RESERVED("pg_monitor")]) },
  {
    name: "a database named postgres makes the default user postgres",
    obj: forum({ database: { host: "db.example.org", adminSecret: "admin", name: "postgres" } }),
    want: result([RESERVED("postgres")]),
  },
  { name: "postgres without adminSecret is the user's own choice", obj: forum({ database: { host: "db.example.org", user: "postgres" } }), want: result() },
  { name: "the forum's own role passes", obj: forum({ database: { host: "db.example.org", adminSecret: "admin", user: "forum" } }), want: result() },
]);

const plugin = (extra: Record<string, unknown>) => forum({ plugins: [{ name: "solved", repository: "https://github.com/discourse/discourse-solved", ...extra }] });
run("plugins: no credentials in URLs, refs that git reads as refs", [
  { name: "a public https URL with a tag passes", obj: plugin({ ref: "v1.2.3" }), want: result() },
  { name: "a branch with slashes passes", obj: plugin({ ref: "feature/new-thing" }), want: result() },
  { name: "a commit id passes", obj: plugin({ ref: "0123456789abcdef0123456789abcdef01234567" }), want: result() },
  {
    name: "a token in the URL is refused, and not repeated",
    obj: plugin({ repository: "https://user:ghp_secret@github.com/acme/private-plugin" }),
    want: result([
      err(
        "FieldValueForbidden",
        "spec.plugins[0].repository",
        "Forbidden: https://<redacted>@github.com/acme/private-plugin: credentials in the URL would be copied into pod specs and Events; use a public repository or a mirror the cluster can read without them",
      ),
    ]),
  },
  { name: "a ref starting with - is refused", obj: plugin({ ref: "--upload-pack=touch /tmp/x" }), want: result([invalid("spec.plugins[0].ref", "--upload-pack=touch /tmp/x", "may not start with '-' (git would read it as an option)")]) },
  { name: "a ref with .. is refused", obj: plugin({ ref: "main..other" }), want: result([invalid("spec.plugins[0].ref", "main..other", "may not contain '..' or '@{'")]) },
  { name: "a ref with a space is refused", obj: plugin({ ref: "my branch" }), want: result([invalid("spec.plugins[0].ref", "my branch", "may not contain spaces, control characters or any of ~ ^ : ? * [ \\")]) },
  { name: "a ref ending in .lock is refused", obj: plugin({ ref: "heads/x.lock" }), want: result([invalid("spec.plugins[0].ref", "heads/x.lock", "no '/'-separated component may start with '.' or end with '.lock'")]) },
]);

const IMMUTABLE_MANAGED = "field is immutable while the database is managed: the server keeps the password it was initialised with";
run(
  "immutable fields on UPDATE",
  [
    {
      name: "accessMode may not change",
      obj: forum({ storage: { uploads: { accessMode: "ReadWriteMany" } } }),
      old: forum({ storage: { uploads: { accessMode: "ReadWriteOnce" } } }),
      want: result([invalid("spec.storage.uploads.accessMode", "ReadWriteMany", "field is immutable (was ReadWriteOnce): the access modes of a claim cannot change")]),
    },
    {
      name: "accessMode may be set when the stored object had none",
      obj: forum({ storage: { uploads: { accessMode: "ReadWriteMany" } } }),
      old: forum(),
      want: result(),
    },
    {
      name: "credentialsSecret may not change while managed",
      obj: forum({ database: { credentialsSecret: "other" } }),
      old: forum({ database: { credentialsSecret: "forum-db-credentials" } }),
      want: result([invalid("spec.database.credentialsSecret", "other", IMMUTABLE_MANAGED)]),
    },
    {
      name: "credentialsSecret may not move away from the derived default while managed",
      obj: forum({ database: { credentialsSecret: "other" } }),
      old: forum(),
      want: result([invalid("spec.database.credentialsSecret", "other", IMMUTABLE_MANAGED)]),
    },
    {
      name: "credentialsSecret may change for an external database",
      obj: forum({ database: { host: "db.example.org", credentialsSecret: "rotated" } }),
      old: forum({ database: { host: "db.example.org", credentialsSecret: "first" } }),
      want: result(),
    },
    {
      name: "the managed PostgreSQL major may not change",
      obj: forum({ database: { version: "18" } }),
      old: forum({ database: { version: "17" } }),
      want: result([
        invalid("spec.database.version", "18", "field is immutable while the database is managed (was 17): a major upgrade goes through a backup and a restore into a new forum"),
      ]),
    },
  ],
  "UPDATE",
);

describe("immutable fields of schema versions to come (backups): checked as soon as the fields exist", () => {
  const update = (obj: Discourse, old: Discourse) => validate(obj, old, { otherHostnames: [] }, "UPDATE").errors;
  it("backup.storage.storageClassName may not change", () => {
    const errors = update(forum({ backup: { storage: { storageClassName: "fast" } } }), forum({ backup: { storage: { storageClassName: "slow" } } }));
    expect(errors).to.deep.include(invalid("spec.backup.storage.storageClassName", "fast", "storageClassName is immutable"));
  });
  it("restore.backup may not be added after creation", () => {
    const errors = update(forum({ restore: { backup: "nightly" } }), forum());
    expect(errors).to.deep.include(err("FieldValueForbidden", "spec.restore.backup", "Forbidden: may only be set when the Discourse is created"));
  });
  it("restore.backup left as it was passes that rule", () => {
    const errors = update(forum({ restore: { backup: "nightly" }, replicas: 2 }), forum({ restore: { backup: "nightly" } }));
    expect(errors.filter((e) => e.field === "spec.restore.backup")).to.deep.equal([]);
  });
});

describe("a forged object with a huge list", () => {
  it("200 000 duplicate e-mails: answered with at most 100 causes, the last counting the rest, no stack overflow", () => {
    const obj = forum({ developerEmails: new Array<string>(200_000).fill("a@example.org") });
    const { errors } = validate(obj, undefined, { otherHostnames: [] }, "CREATE");
    expect(errors).to.have.length(100);
    expect(errors[0]).to.deep.equal(err("FieldValueTooMany", "spec.developerEmails", "Too many: 200000: must have at most 50 items"));
    expect(errors[99]).to.deep.equal(err("FieldValueTooMany", "", "and 199901 more problems not listed"));
  });
});
