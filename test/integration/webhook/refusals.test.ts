/**
 * Admission refuses, at `kubectl apply`, what could never be applied (issue 11):
 * each case through kubectl against the real apiserver and the webhook in url
 * mode, checking the field path and the words the user reads. Each of these
 * was admitted before and ended in an endless Degraded loop.
 */
import { expect } from "chai";
import { stringify } from "yaml";
import { kubectl, installCrd, newNamespace } from "../../hooks/control-plane.js";
import { startUrlModeWebhook, type UrlModeWebhook } from "../../hooks/url-mode-webhook.js";

const discourse = (name: string, spec: Record<string, unknown>): Record<string, unknown> => ({
  apiVersion: "discourse.cern/v1alpha1",
  kind: "Discourse",
  metadata: { name },
  spec: { hostname: `${name}.example.org`, developerEmails: ["a@example.org"], ...spec },
});

interface Case {
  name: string;
  spec: Record<string, unknown>;
  /** The line kubectl prints for the problem: `<field>: <message>`. */
  line: string;
}

const CREATE_CASES: Case[] = [
  { name: "a negative database size", spec: { database: { storage: { size: "-1Gi" } } }, line: 'spec.database.storage.size: Invalid value: "-1Gi": must be greater than zero' },
  { name: "a negative Redis size", spec: { redis: { storage: { size: "-1Gi" } } }, line: 'spec.redis.storage.size: Invalid value: "-1Gi": must be greater than zero' },
  { name: "a zero uploads size", spec: { storage: { uploads: { size: "0" } } }, line: 'spec.storage.uploads.size: Invalid value: "0": must be greater than zero' },
  {
    name: "a size the CRD's pattern lets through but no parser reads",
    spec: { storage: { uploads: { size: "1e1.5" } } },
    line: 'spec.storage.uploads.size: Invalid value: "1e1.5": must be a quantity such as 10Gi, 500Mi or 1.5Ti',
  },
  {
    name: "a resource named cpus",
    spec: { resources: { web: { requests: { cpus: "1" } } } },
    line: 'spec.resources.web.requests.cpus: Invalid value: "cpus": must be a standard resource for containers (cpu, memory, ephemeral-storage, hugepages-<size>) or a domain-prefixed extended resource such as nvidia.com/gpu',
  },
  {
    name: "a negative memory limit",
    spec: { resources: { sidekiq: { limits: { memory: "-1Gi" } } } },
    line: 'spec.resources.sidekiq.limits.memory: Invalid value: "-1Gi": must be greater than or equal to 0',
  },
  {
    name: "an annotation key with a space",
    spec: { ingress: { annotations: { "bad key!": "x" } } },
    line: `spec.ingress.annotations: Invalid value: "bad key!": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc')`,
  },
  { name: "an IP address as hostname", spec: { hostname: "10.0.0.1" }, line: 'spec.hostname: Invalid value: "10.0.0.1": must be a DNS name, not an IP address' },
  {
    name: "a plugin URL with a token",
    spec: { plugins: [{ name: "private", repository: "https://user:ghp_token@github.com/acme/private" }] },
    line: "spec.plugins[0].repository: Forbidden: https://<redacted>@github.com/acme/private: credentials in the URL would be copied into pod specs and Events; use a public repository or a mirror the cluster can read without them",
  },
  {
    name: "a plugin ref git would read as an option",
    spec: { plugins: [{ name: "solved", repository: "https://github.com/discourse/discourse-solved", ref: "--upload-pack=id" }] },
    line: `spec.plugins[0].ref: Invalid value: "--upload-pack=id": may not start with '-' (git would read it as an option)`,
  },
  {
    name: "the postgres role with adminSecret",
    spec: { database: { host: "db.example.org", adminSecret: "pg-admin", user: "postgres" } },
    line: `spec.database.user: Forbidden: "postgres" is a role the PostgreSQL server relies on; with spec.database.adminSecret the operator would reset its password: choose a role of the forum's own, e.g. the default (spec.database.name)`,
  },
  {
    name: "a database host with a path",
    spec: { database: { host: "db.example.org/other" } },
    line: 'spec.database.host: Invalid value: "db.example.org/other": must be a host name (e.g. db.example.org) or an IP address, without scheme, port, path, user or spaces; the port goes into spec.database.port',
  },
];

interface UpdateCase extends Case {
  before: Record<string, unknown>;
}

const UPDATE_CASES: UpdateCase[] = [
  {
    name: "a changed uploads access mode",
    before: { storage: { uploads: { accessMode: "ReadWriteOnce" } } },
    spec: { storage: { uploads: { accessMode: "ReadWriteMany" } } },
    line: 'spec.storage.uploads.accessMode: Invalid value: "ReadWriteMany": field is immutable (was ReadWriteOnce): the access modes of a claim cannot change',
  },
  {
    name: "a changed credentialsSecret under a managed database",
    before: {},
    spec: { database: { credentialsSecret: "other-credentials" } },
    line: 'spec.database.credentialsSecret: Invalid value: "other-credentials": field is immutable while the database is managed: the server keeps the password it was initialised with',
  },
  {
    name: "a changed managed PostgreSQL major",
    before: { database: { version: "16" } },
    spec: { database: { version: "17" } },
    line: 'spec.database.version: Invalid value: "17": field is immutable while the database is managed (was 16): a major upgrade goes through a backup and a restore into a new forum',
  },
];

describe("admission refuses what cannot work, through kubectl", function () {
  this.timeout(120_000);
  let served: UrlModeWebhook | undefined;
  let ns: string;
  const apply = (obj: unknown) => kubectl(["apply", "-n", ns, "-f", "-"], { input: stringify(obj) });
  /** kubectl's error without the warning lines (a referenced Secret that does not exist yet). */
  const errorOf = (stderr: string): string => stderr.split("\n").filter((l) => !l.startsWith("Warning: ")).join("\n").trim();

  before(async () => {
    await installCrd();
    served = await startUrlModeWebhook("webhook-refusals");
    ns = await newNamespace("webhook-refusals");
  });
  after(async () => served?.stop());

  CREATE_CASES.forEach((c, i) => {
    it(`CREATE: ${c.name}`, async () => {
      const name = `refused-${i}`;
      const r = await apply(discourse(name, c.spec));
      expect(r.code, r.stdout).to.not.equal(0);
      expect(errorOf(r.stderr)).to.equal(`The Discourse "${name}" is invalid: ${c.line}`);
      expect((await kubectl(["get", "discourse", "-n", ns, name])).code).to.equal(1);
    });
  });

  UPDATE_CASES.forEach((c, i) => {
    it(`UPDATE: ${c.name}`, async () => {
      const name = `immutable-${i}`;
      const created = await apply(discourse(name, c.before));
      expect(created.code, created.stderr).to.equal(0);
      const r = await apply(discourse(name, c.spec));
      expect(r.code, r.stdout).to.not.equal(0);
      expect(errorOf(r.stderr)).to.equal(`The Discourse "${name}" is invalid: ${c.line}`);
    });
  });
});
