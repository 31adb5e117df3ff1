/**
 * Create rules through validate(…, "CREATE"): one table per rule of
 * shared/API.md, each with passing and failing cases, asserting the whole result.
 */
import { expect } from "chai";
import type { Discourse } from "../../../src/api/types.js";
import { DEFAULT_DISCOURSE_VERSION } from "../../../src/api/constants.js";
import { validate } from "../../../webhooks/validation/validate.js";
import type { ValidationFacts, ValidationResult } from "../../../webhooks/validation/types.js";
import { DNS1035_MESSAGE } from "../../../webhooks/validation/rules/metadata-name.js";
import { err, forum, result } from "./forum.js";

interface Case {
  name: string;
  obj: Discourse;
  facts?: ValidationFacts;
  want: ValidationResult;
}

const NO_FACTS: ValidationFacts = { otherHostnames: [] };
const HOSTNAME_PATTERN_MSG = (v: string): string =>
  `Invalid value: "${v}": spec.hostname in body should match '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$'`;

function run(table: string, cases: Case[]): void {
  describe(table, () => {
    for (const c of cases) {
      it(c.name, () => {
        expect(validate(c.obj, undefined, c.facts ?? NO_FACTS, "CREATE")).to.deep.equal(c.want);
      });
    }
  });
}

run("metadata.name", [
  { name: "a short RFC 1035 label passes", obj: forum(), want: result() },
  { name: "40 characters pass", obj: forum({}, { name: `a${"b".repeat(39)}` }), want: result() },
  {
    name: "missing is required",
    obj: forum({}, { name: undefined }),
    want: result([err("FieldValueRequired", "metadata.name", "Required value: name or generateName is required")]),
  },
  {
    name: "a leading digit is rejected (Service names are RFC 1035 labels)",
    obj: forum({}, { name: "1forum" }),
    want: result([err("FieldValueInvalid", "metadata.name", `Invalid value: "1forum": ${DNS1035_MESSAGE}`)]),
  },
  {
    name: "upper case is rejected",
    obj: forum({}, { name: "Forum" }),
    want: result([err("FieldValueInvalid", "metadata.name", `Invalid value: "Forum": ${DNS1035_MESSAGE}`)]),
  },
  {
    name: "41 characters are too long",
    obj: forum({}, { name: `a${"b".repeat(40)}` }),
    want: result([
      err(
        "FieldValueInvalid",
        "metadata.name",
        `Invalid value: "a${"b".repeat(40)}": must be no more than 40 characters (children such as <name>-postgresql must fit Kubernetes' 63-character limits)`,
      ),
    ]),
  },
  {
    // reconciler/builders/migrate-job.ts shortens the version part and lower-cases it, so
    // neither a long name with a long version nor an upper-case suffix is refused any more
    name: "a long name with a long version suffix passes (the migration Job name is shortened)",
    obj: forum({ version: "3.5.2-beta.1234567" }, { name: `a${"b".repeat(39)}` }),
    want: result(),
  },
  {
    name: "an upper-case version suffix passes (the migration Job name is lower-cased)",
    obj: forum({ version: "3.5.2-RC1" }),
    want: result(),
  },
]);

const label63 = "a".repeat(63);
run("spec.hostname", [
  { name: "a lower-case name with dots passes", obj: forum({ hostname: "forum.web.cern.ch" }), want: result() },
  { name: "253 characters pass", obj: forum({ hostname: `${label63}.${label63}.${label63}.${"a".repeat(61)}` }), want: result() },
  {
    name: "254 characters are too long",
    obj: forum({ hostname: `${label63}.${label63}.${label63}.${"a".repeat(62)}` }),
    want: result([err("FieldValueTooLong", "spec.hostname", "Too long: may not be more than 253 bytes")]),
  },
  {
    name: "upper case does not match",
    obj: forum({ hostname: "Forum.example.org" }),
    want: result([err("FieldValueInvalid", "spec.hostname", HOSTNAME_PATTERN_MSG("Forum.example.org"))]),
  },
  {
    name: "a name without a dot does not match",
    obj: forum({ hostname: "forum" }),
    want: result([err("FieldValueInvalid", "spec.hostname", HOSTNAME_PATTERN_MSG("forum"))]),
  },
  {
    name: "a label over 63 characters is rejected",
    obj: forum({ hostname: `${label63}a.example.org` }),
    want: result([
      err("FieldValueInvalid", "spec.hostname", `Invalid value: "${label63}a.example.org": each label must be no more than 63 characters`),
    ]),
  },
  {
    name: "missing is required",
    obj: forum({ hostname: undefined }),
    want: result([err("FieldValueRequired", "spec.hostname", "Required value")]),
  },
  {
    name: "a hostname used by another Discourse is a duplicate",
    obj: forum(),
    facts: { otherHostnames: [{ namespace: "other", name: "forum", hostname: "forum.example.org" }] },
    want: result([
      err("FieldValueDuplicate", "spec.hostname", `Duplicate value: "forum.example.org": already used by Discourse "other/forum"`),
    ]),
  },
  {
    name: "the object's own hostname is not a duplicate",
    obj: forum(),
    facts: { otherHostnames: [{ namespace: "forums", name: "forum", hostname: "forum.example.org" }] },
    want: result(),
  },
  {
    name: "other hostnames do not matter",
    obj: forum(),
    facts: { otherHostnames: [{ namespace: "forums", name: "other", hostname: "other.example.org" }] },
    want: result(),
  },
]);

run("spec.version", [
  { name: "a 3.x release passes", obj: forum({ version: "3.4.2" }), want: result() },
  { name: "a year-based release passes", obj: forum({ version: "2026.7.0" }), want: result() },
  { name: "a release with a suffix passes", obj: forum({ version: "3.5.0-beta.3" }), want: result() },
  // discourse lib/version.rb: VERSION_REGEXP /\A\d+\.\d+\.\d+(\.beta\d+)?\z/, then a -DEV part (e.g. -latest).
  { name: "an old-style beta (lib/version.rb) passes", obj: forum({ version: "3.5.0.beta8" }), want: result() },
  { name: "a latest-branch version (lib/version.rb DEV part) passes", obj: forum({ version: "2026.3.0-latest" }), want: result() },
  ...["latest", "stable", "beta", "esr", "tests-passed", "LATEST"].map((tag) => ({
    name: `the floating tag ${tag} is named as such`,
    obj: forum({ version: tag }),
    want: result([
      err(
        "FieldValueInvalid",
        "spec.version",
        `Invalid value: "${tag}": floating tag "${tag.toLowerCase()}": pin a concrete release such as ${DEFAULT_DISCOURSE_VERSION}`,
      ),
    ]),
  })),
  {
    name: "a partial version is not a release (the webhook's words, not a pattern)",
    obj: forum({ version: "3.5" }),
    want: result([
      err(
        "FieldValueInvalid",
        "spec.version",
        `Invalid value: "3.5": must be a concrete release MAJOR.MINOR.PATCH with an optional -suffix, such as ${DEFAULT_DISCOURSE_VERSION} or 2026.7.0`,
      ),
    ]),
  },
  {
    name: "a version longer than 64 characters is too long for the schema",
    obj: forum({ version: `3.5.2-${"a".repeat(59)}` }),
    want: result([
      err("FieldValueTooLong", "spec.version", "Too long: may not be more than 64 bytes"),
    ]),
  },
]);

const digest = `sha256:${"a".repeat(64)}`;
run("spec.image", [
  { name: "a tagged image passes", obj: forum({ image: "docker.io/discourse/discourse:3.5.2" }), want: result() },
  { name: "a registry with a port and a digest passes", obj: forum({ image: `registry.cern.ch:5000/web/discourse@${digest}` }), want: result() },
  { name: "a tag and a digest pass", obj: forum({ image: `discourse/discourse:3.5.2@${digest}` }), want: result() },
  ...["Discourse/discourse:1", "discourse/discourse:", "discourse discourse", "discourse//x:1", "-x:1", `x@${"sha256:abc"}`].map((image) => ({
    name: `"${image}" is not an image reference`,
    obj: forum({ image }),
    want: result([
      err("FieldValueInvalid", "spec.image", `Invalid value: "${image}": must be a valid image reference such as docker.io/discourse/discourse:3.5.2`),
    ]),
  })),
  {
    name: "an image without tag or digest gets a warning",
    obj: forum({ image: "registry.cern.ch/discourse" }),
    want: result([], ['spec.image: "registry.cern.ch/discourse" has no tag or digest, so it means :latest; pin a release']),
  },
  { name: "a mirrored database image passes", obj: forum({ database: { image: "registry.cern.ch/mirror/pgvector:0.8.6-pg17" } }), want: result() },
  {
    name: "a database image that is not a reference is invalid",
    obj: forum({ database: { image: "pgvector//x:1" } }),
    want: result([err("FieldValueInvalid", "spec.database.image", 'Invalid value: "pgvector//x:1": must be a valid image reference such as docker.io/pgvector/pgvector:0.8.6-pg17')]),
  },
]);

run("spec.replicas and spec.sidekiq.replicas", [
  { name: "0 (maintenance) passes", obj: forum({ replicas: 0 }), want: result() },
  { name: "50 pass", obj: forum({ replicas: 50, storage: { uploads: { accessMode: "ReadWriteMany" } } }), want: result() },
  {
    name: "51 are too many",
    obj: forum({ replicas: 51 }),
    want: result([err("FieldValueInvalid", "spec.replicas", "Invalid value: 51: spec.replicas in body should be less than or equal to 50")]),
  },
  {
    name: "-1 is too few",
    obj: forum({ replicas: -1 }),
    want: result([err("FieldValueInvalid", "spec.replicas", "Invalid value: -1: spec.replicas in body should be greater than or equal to 0")]),
  },
  {
    name: "a string is the wrong type",
    obj: forum({ replicas: "2" as unknown as number }),
    want: result([err("FieldValueTypeInvalid", "spec.replicas", 'Invalid value: "2": spec.replicas in body must be of type integer: "2"')]),
  },
  { name: "sidekiq 20 pass", obj: forum({ sidekiq: { replicas: 20 } }), want: result() },
  {
    name: "sidekiq 21 are too many",
    obj: forum({ sidekiq: { replicas: 21 } }),
    want: result([
      err("FieldValueInvalid", "spec.sidekiq.replicas", "Invalid value: 21: spec.sidekiq.replicas in body should be less than or equal to 20"),
    ]),
  },
]);

const OFFICIAL_WARNING = (n: number): string =>
  `spec.replicas: an official forum should run at least 2 replicas to stay up during node maintenance (has ${n})`;
run("spec.category", [
  { name: "test passes", obj: forum({ category: "test" }), want: result() },
  { name: "official with 2 replicas passes", obj: forum({ category: "official", replicas: 2, storage: { uploads: { accessMode: "ReadWriteMany" } } }), want: result() },
  {
    name: "an unknown category is unsupported",
    obj: forum({ category: "huge" as "test" }),
    want: result([err("FieldValueNotSupported", "spec.category", 'Unsupported value: "huge": supported values: "personal", "test", "official"')]),
  },
  { name: "official with 1 replica gets a warning", obj: forum({ category: "official", replicas: 1 }), want: result([], [OFFICIAL_WARNING(1)]) },
  { name: "official with the default replicas gets a warning", obj: forum({ category: "official" }), want: result([], [OFFICIAL_WARNING(1)]) },
  { name: "official stopped (0) gets a warning", obj: forum({ category: "official", replicas: 0 }), want: result([], [OFFICIAL_WARNING(0)]) },
]);

run("spec.developerEmails", [
  { name: "50 distinct addresses pass", obj: forum({ developerEmails: Array.from({ length: 50 }, (_, i) => `a${i}@example.org`) }), want: result() },
  {
    name: "none is too few",
    obj: forum({ developerEmails: [] }),
    want: result([err("FieldValueInvalid", "spec.developerEmails", "Invalid value: 0: spec.developerEmails in body should have at least 1 items")]),
  },
  {
    name: "51 are too many",
    obj: forum({ developerEmails: Array.from({ length: 51 }, (_, i) => `a${i}@example.org`) }),
    want: result([err("FieldValueTooMany", "spec.developerEmails", "Too many: 51: must have at most 50 items")]),
  },
  {
    name: "missing is required",
    obj: forum({ developerEmails: undefined }),
    want: result([err("FieldValueRequired", "spec.developerEmails", "Required value")]),
  },
  {
    name: "an invalid address is named by index",
    obj: forum({ developerEmails: ["admin@example.org", "admin"] }),
    want: result([
      err("FieldValueTypeInvalid", "spec.developerEmails[1]", 'Invalid value: "admin": spec.developerEmails[1] in body must be of type email: "admin"'),
    ]),
  },
  {
    name: "a repeated address (any case) is a duplicate, each repeat reported",
    obj: forum({ developerEmails: ["a@example.org", "b@example.org", "A@Example.org", "a@example.org"] }),
    want: result([
      err("FieldValueDuplicate", "spec.developerEmails[2]", 'Duplicate value: "A@Example.org"'),
      err("FieldValueDuplicate", "spec.developerEmails[3]", 'Duplicate value: "a@example.org"'),
    ]),
  },
]);

const EXTERNAL = "is ignored: spec.database.host is set, so the database is external";
run("spec.database", [
  {
    name: "a full managed database passes",
    obj: forum({ database: { port: 5432, name: "forum", user: "forum", version: "18", sslMode: "disable", storage: { size: "20Gi", storageClassName: "fast" } } }),
    want: result(),
  },
  { name: "an external database with an admin Secret passes", obj: forum({ database: { host: "db.example.org", adminSecret: "pg-admin" } }), want: result() },
  {
    name: "an external database with the default version and size passes",
    obj: forum({ database: { host: "db.example.org", version: "17", storage: { size: "10240Mi" } } }),
    want: result(),
  },
  {
    name: "port 0 and 65536 are out of range",
    obj: forum({ database: { port: 0 }, redis: { port: 65536 } }),
    want: result([
      err("FieldValueInvalid", "spec.database.port", "Invalid value: 0: spec.database.port in body should be greater than or equal to 1"),
      err("FieldValueInvalid", "spec.redis.port", "Invalid value: 65536: spec.redis.port in body should be less than or equal to 65535"),
    ]),
  },
  {
    name: "a name that is not a PostgreSQL identifier and a user of 64 characters",
    obj: forum({ database: { name: "my-forum", user: `u${"x".repeat(63)}` } }),
    want: result([
      err("FieldValueInvalid", "spec.database.name", `Invalid value: "my-forum": spec.database.name in body should match '^[a-z_][a-z0-9_$]*$'`),
      err("FieldValueTooLong", "spec.database.user", "Too long: may not be more than 63 bytes"),
    ]),
  },
  {
    name: "an admin Secret with a managed database is forbidden",
    obj: forum({ database: { adminSecret: "pg-admin" } }),
    want: result([
      err(
        "FieldValueForbidden",
        "spec.database.adminSecret",
        "Forbidden: may only be set with spec.database.host (an external database); the managed database is initialised by the operator",
      ),
    ]),
  },
  {
    name: "PostgreSQL 14 and sslMode prefer are unsupported",
    obj: forum({ database: { version: "14", sslMode: "prefer" as "require" } }),
    want: result([
      err("FieldValueNotSupported", "spec.database.sslMode", 'Unsupported value: "prefer": supported values: "disable", "require", "verify-full"'),
      err("FieldValueNotSupported", "spec.database.version", 'Unsupported value: "14": supported values: "15", "16", "17", "18"'),
    ]),
  },
  {
    name: "an external database with a version and storage gets warnings",
    obj: forum({ database: { host: "db.example.org", version: "16", storage: { size: "20Gi" } } }),
    want: result([], [`spec.database.version ${EXTERNAL}`, `spec.database.storage ${EXTERNAL}`]),
  },
  {
    name: "an external database with a StorageClass gets a warning",
    obj: forum({ database: { host: "db.example.org", storage: { storageClassName: "fast" } } }),
    want: result([], [`spec.database.storage ${EXTERNAL}`]),
  },
  {
    name: "an external database with an image gets a warning",
    obj: forum({ database: { host: "db.example.org", image: "registry.cern.ch/mirror/pgvector:0.8.6-pg17" } }),
    want: result([], [`spec.database.image ${EXTERNAL}`]),
  },
]);

run("spec.redis and spec.smtp", [
  { name: "an external Redis with a password passes", obj: forum({ redis: { host: "redis", port: 6380, passwordSecret: { name: "redis", key: "pw" } } }), want: result() },
  {
    name: "a Redis password Secret without a name is incomplete",
    obj: forum({ redis: { passwordSecret: { key: "pw" } } }),
    want: result([err("FieldValueRequired", "spec.redis.passwordSecret.name", "Required value")]),
  },
  { name: "SMTP with a host passes", obj: forum({ smtp: { host: "mx.example.org", fromAddress: "noreply@example.org" } }), want: result() },
  {
    name: "SMTP without a host is incomplete, a bad sender is named",
    obj: forum({ smtp: { port: 25, fromAddress: "noreply" } }),
    want: result([
      err("FieldValueRequired", "spec.smtp.host", "Required value"),
      err("FieldValueTypeInvalid", "spec.smtp.fromAddress", 'Invalid value: "noreply": spec.smtp.fromAddress in body must be of type email: "noreply"'),
    ]),
  },
]);

run("spec.ingress and spec.deletionPolicy", [
  { name: "an Ingress with a class passes", obj: forum({ ingress: { kind: "Ingress", className: "nginx" } }), want: result() },
  {
    name: "an unknown kind and deletion policy are unsupported",
    obj: forum({ ingress: { kind: "Gateway" as "Route" }, deletionPolicy: "Orphan" as "Retain" }),
    want: result([
      err("FieldValueNotSupported", "spec.ingress.kind", 'Unsupported value: "Gateway": supported values: "Ingress", "Route"'),
      err("FieldValueNotSupported", "spec.deletionPolicy", 'Unsupported value: "Orphan": supported values: "Retain", "Delete"'),
    ]),
  },
  {
    name: "a class on a Route gets a warning",
    obj: forum({ ingress: { kind: "Route", className: "nginx" } }),
    want: result([], ["spec.ingress.className is ignored: spec.ingress.kind is Route"]),
  },
  { name: "deletionPolicy Delete passes", obj: forum({ deletionPolicy: "Delete" }), want: result() },
]);

run("spec.storage.uploads", [
  { name: "ReadWriteMany with 3 replicas passes", obj: forum({ replicas: 3, storage: { uploads: { accessMode: "ReadWriteMany", size: "1Ti" } } }), want: result() },
  { name: "ReadWriteOnce with 1 replica passes", obj: forum({ replicas: 1, storage: { uploads: { accessMode: "ReadWriteOnce" } } }), want: result() },
  {
    name: "ReadWriteOnce with 3 replicas gets a warning",
    obj: forum({ replicas: 3, storage: { uploads: { accessMode: "ReadWriteOnce" } } }),
    want: result([], [
      "spec.storage.uploads.accessMode: ReadWriteOnce with 3 replicas: every pod that mounts the uploads volume runs on " +
        "one node, so the replicas share that node's capacity and fail with it; accessMode cannot change on an existing " +
        "forum: for pods on several nodes create a new forum with ReadWriteMany uploads from a backup " +
        "(spec.restore.backup), or set replicas to 1",
    ]),
  },
  {
    name: "a size that is not a quantity and an unknown access mode",
    obj: forum({ storage: { uploads: { size: "10GB", accessMode: "ReadOnlyMany" as "ReadWriteOnce" } } }),
    want: result([
      err(
        "FieldValueInvalid",
        "spec.storage.uploads.size",
        `Invalid value: "10GB": spec.storage.uploads.size in body should match '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$'`,
      ),
      err(
        "FieldValueNotSupported",
        "spec.storage.uploads.accessMode",
        'Unsupported value: "ReadOnlyMany": supported values: "ReadWriteOnce", "ReadWriteMany"',
      ),
    ]),
  },
  {
    name: "a size of the wrong type",
    obj: forum({ storage: { uploads: { size: true as unknown as string } } }),
    want: result([
      err("FieldValueTypeInvalid", "spec.storage.uploads.size", "Invalid value: true: spec.storage.uploads.size in body must be of type integer,string"),
    ]),
  },
]);

run("spec.resources", [
  {
    name: "requests at or below their limits pass (500m < 1, 1Gi = 1024Mi)",
    obj: forum({ resources: { web: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: 1, memory: "1024Mi" } } } }),
    want: result(),
  },
  { name: "requests without limits pass", obj: forum({ resources: { sidekiq: { requests: { cpu: "8", memory: "64Gi" } } } }), want: result() },
  {
    name: "every request above its limit is reported, in web and sidekiq",
    obj: forum({
      resources: {
        web: { requests: { cpu: "2", memory: "1025Mi" }, limits: { cpu: "1500m", memory: "1Gi" } },
        sidekiq: { requests: { "ephemeral-storage": "2G" }, limits: { "ephemeral-storage": "1.5e9" } },
      },
    }),
    want: result([
      err("FieldValueInvalid", "spec.resources.web.requests.cpu", 'Invalid value: "2": must be less than or equal to cpu limit of 1500m'),
      err("FieldValueInvalid", "spec.resources.web.requests.memory", 'Invalid value: "1025Mi": must be less than or equal to memory limit of 1Gi'),
      err(
        "FieldValueInvalid",
        "spec.resources.sidekiq.requests.ephemeral-storage",
        'Invalid value: "2G": must be less than or equal to ephemeral-storage limit of 1.5e9',
      ),
    ]),
  },
]);

run("spec.plugins", [
  {
    name: "distinct plugins from https repositories pass",
    obj: forum({ plugins: [{ name: "solved", repository: "https://github.com/discourse/discourse-solved" }, { name: "saml", repository: "https://git.cern.ch/saml.git", ref: "v1" }] }),
    want: result(),
  },
  {
    name: "a repeated name is a duplicate",
    obj: forum({ plugins: [{ name: "solved", repository: "https://a.example/x" }, { name: "solved", repository: "https://b.example/x" }] }),
    want: result([err("FieldValueDuplicate", "spec.plugins[1].name", 'Duplicate value: "solved"')]),
  },
  {
    name: "an http repository is rejected with the rule's message",
    obj: forum({ plugins: [{ name: "solved", repository: "http://github.com/x" }] }),
    want: result([
      err("FieldValueInvalid", "spec.plugins[0].repository", 'Invalid value: "http://github.com/x": must be an https:// git URL, e.g. https://github.com/discourse/discourse-solved'),
    ]),
  },
  {
    name: "an https:// without a host is rejected",
    obj: forum({ plugins: [{ name: "solved", repository: "https://" }] }),
    want: result([
      err("FieldValueInvalid", "spec.plugins[0].repository", 'Invalid value: "https://": must be an https:// git URL, e.g. https://github.com/discourse/discourse-solved'),
    ]),
  },
  {
    name: "a plugin without repository is incomplete",
    obj: forum({ plugins: [{ name: "solved" }] }),
    want: result([err("FieldValueRequired", "spec.plugins[0].repository", "Required value")]),
  },
]);

const reserved = (name: string, source: string): ValidationResult =>
  result([err("FieldValueForbidden", "spec.env[0].name", `Forbidden: ${name} is set by the operator from ${source}`)]);
run("spec.env", [
  {
    name: "DISCOURSE_ settings with a value or one source pass",
    obj: forum({
      env: [
        { name: "DISCOURSE_MAX_REQS_PER_IP_MODE", value: "warn" },
        { name: "DISCOURSE_SAML_CERT", valueFrom: { secretKeyRef: { name: "saml", key: "cert" } } },
        { name: "DISCOURSE_CDN_URL", valueFrom: { configMapKeyRef: { name: "cdn", key: "url" } } },
      ],
    }),
    want: result(),
  },
  {
    name: "a name without the DISCOURSE_ prefix is rejected",
    obj: forum({ env: [{ name: "RAILS_ENV", value: "x" }, { name: "discourse_x", value: "y" }] }),
    want: result([
      err("FieldValueInvalid", "spec.env[0].name", 'Invalid value: "RAILS_ENV": must start with DISCOURSE_: Discourse reads its settings from DISCOURSE_* variables'),
      err("FieldValueInvalid", "spec.env[1].name", 'Invalid value: "discourse_x": must start with DISCOURSE_: Discourse reads its settings from DISCOURSE_* variables'),
    ]),
  },
  ...[
    ["DISCOURSE_HOSTNAME", "spec.hostname"],
    ["DISCOURSE_DEVELOPER_EMAILS", "spec.developerEmails"],
    ["DISCOURSE_NOTIFICATION_EMAIL", "spec.smtp.fromAddress"],
    ["DISCOURSE_DB_PASSWORD", "spec.database"],
    ["DISCOURSE_DB_HOST", "spec.database"],
    ["DISCOURSE_REDIS_HOST", "spec.redis"],
    ["DISCOURSE_SMTP_ADDRESS", "spec.smtp"],
    ["DISCOURSE_SECRET_KEY_BASE", "the Secret <metadata.name>-app-secrets"],
  ].map(([name = "", source = ""]) => ({ name: `${name} is reserved`, obj: forum({ env: [{ name, value: "x" }] }), want: reserved(name, source) })),
  {
    name: "a repeated name is a duplicate",
    obj: forum({ env: [{ name: "DISCOURSE_A", value: "1" }, { name: "DISCOURSE_A", value: "2" }] }),
    want: result([err("FieldValueDuplicate", "spec.env[1].name", 'Duplicate value: "DISCOURSE_A"')]),
  },
  {
    name: "value and valueFrom together, no source, two sources",
    obj: forum({
      env: [
        { name: "DISCOURSE_A", value: "1", valueFrom: { secretKeyRef: { name: "s", key: "k" } } },
        { name: "DISCOURSE_B", valueFrom: {} },
        { name: "DISCOURSE_C", valueFrom: { secretKeyRef: { name: "s", key: "k" }, configMapKeyRef: { name: "c", key: "k" } } },
      ],
    }),
    want: result([
      err("FieldValueInvalid", "spec.env[0].valueFrom", 'Invalid value: "": may not be specified when `value` is not empty'),
      err("FieldValueInvalid", "spec.env[1].valueFrom", 'Invalid value: "": must specify one of: `configMapKeyRef` or `secretKeyRef`'),
      err("FieldValueInvalid", "spec.env[2].valueFrom", 'Invalid value: "": may not have more than one field specified at a time'),
    ]),
  },
  {
    name: "a name that is not an identifier: the rule's message replaces the schema's",
    obj: forum({ env: [{ name: "DISCOURSE-A", value: "1" }] }),
    want: result([
      err("FieldValueInvalid", "spec.env[0].name", 'Invalid value: "DISCOURSE-A": must start with DISCOURSE_: Discourse reads its settings from DISCOURSE_* variables'),
    ]),
  },
]);

const secrets = (...names: string[]): ValidationFacts => ({ otherHostnames: [], existingSecrets: new Set(names) });
const missing = (field: string, name: string): string => `${field}: Secret "${name}" does not exist yet in namespace "forums"`;
const allReferences = forum({
  database: { host: "db.example.org", adminSecret: "pg-admin" },
  redis: { passwordSecret: { name: "redis-pw" } },
  smtp: { host: "mx.example.org", passwordSecret: { name: "smtp-pw" } },
  ingress: { tlsSecretName: "forum-cert" },
  env: [
    { name: "DISCOURSE_A", valueFrom: { secretKeyRef: { name: "env-secret", key: "a" } } },
    { name: "DISCOURSE_B", valueFrom: { secretKeyRef: { name: "optional-secret", key: "b", optional: true } } },
  ],
});
run("referenced Secrets (warnings)", [
  {
    name: "every missing Secret is named with its field",
    obj: allReferences,
    facts: secrets(),
    want: result([], [
      missing("spec.database.adminSecret", "pg-admin"),
      missing("spec.redis.passwordSecret.name", "redis-pw"),
      missing("spec.smtp.passwordSecret.name", "smtp-pw"),
      missing("spec.ingress.tlsSecretName", "forum-cert"),
      missing("spec.env[0].valueFrom.secretKeyRef.name", "env-secret"),
    ]),
  },
  { name: "existing Secrets give no warning", obj: allReferences, facts: secrets("pg-admin", "redis-pw", "smtp-pw", "forum-cert", "env-secret"), want: result() },
  { name: "unknown Secrets (offline) give no warning", obj: allReferences, want: result() },
  {
    name: "the credentials Secret and the default TLS Secret are not warned about on CREATE",
    obj: forum({ database: { credentialsSecret: "forum-db-credentials" }, ingress: { tlsSecretName: "forum-tls" } }),
    facts: secrets(),
    want: result(),
  },
  { name: "the TLS Secret of a disabled ingress is not needed", obj: forum({ ingress: { enabled: false, tlsSecretName: "forum-cert" } }), facts: secrets(), want: result() },
]);
