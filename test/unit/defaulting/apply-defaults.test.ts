/**
 * applyDefaults: the whole defaulted object, one case per default, the
 * schema's static defaults, idempotency over every fixture, and no mutation.
 */
import { readFileSync, readdirSync } from "node:fs";
import { expect } from "chai";
import { parseAllDocuments } from "yaml";
import { DiscourseSpec } from "../../../src/api/schema.js";
import { toStructural, type JsonSchema } from "../../../src/api/structural.js";
import type { Discourse } from "../../../src/api/types.js";
import { applyDefaults, type DefaultingFacts } from "../../../webhooks/defaulting/apply-defaults.js";
import { isManagedDatabase, isManagedRedis } from "../../../webhooks/defaulting/managed.js";
import { validate } from "../../../webhooks/validation/validate.js";
import { forum } from "../validation/forum.js";

const INGRESS: DefaultingFacts = { routeApiAvailable: false };
const ROUTE: DefaultingFacts = { routeApiAvailable: true };

function get(obj: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((node, key) => (typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined), obj);
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

const FIXTURES = new URL("../../fixtures/discourses/", import.meta.url);
function fixtureObjects(): Array<{ name: string; obj: Discourse }> {
  return ["valid", "invalid"].flatMap((dir) =>
    readdirSync(new URL(`${dir}/`, FIXTURES)).flatMap((file) =>
      parseAllDocuments(readFileSync(new URL(`${dir}/${file}`, FIXTURES), "utf8"))
        .filter((doc) => doc.errors.length === 0)
        .map((doc) => doc.toJS() as Discourse)
        .filter((obj) => obj?.kind === "Discourse")
        .map((obj, i) => ({ name: `${dir}/${file}#${i}`, obj })),
    ),
  );
}

describe("applyDefaults: the minimal forum", () => {
  it("gets every default of the contract", () => {
    const obj = forum({}, { name: "my-forum" });
    expect(applyDefaults(obj, INGRESS)).to.deep.equal({
      apiVersion: "discourse.cern/v1alpha1",
      kind: "Discourse",
      metadata: {
        name: "my-forum",
        namespace: "forums",
        annotations: {
          "discourse.cern/defaulted-resources":
            "sidekiq.limits.memory,sidekiq.requests.cpu,sidekiq.requests.memory,web.limits.memory,web.requests.cpu,web.requests.memory",
        },
      },
      spec: {
        hostname: "forum.example.org",
        developerEmails: ["admin@example.org"],
        version: "2026.1.1",
        image: "docker.io/discourse/discourse:2026.1.1",
        replicas: 1,
        category: "personal",
        database: {
          port: 5432,
          name: "my_forum",
          user: "my_forum",
          credentialsSecret: "my-forum-db-credentials",
          sslMode: "disable",
          version: "17",
          storage: { size: "10Gi" },
        },
        redis: { port: 6379, storage: { size: "1Gi" } },
        ingress: { enabled: true, kind: "Ingress", tlsSecretName: "my-forum-tls" },
        storage: { uploads: { size: "10Gi", accessMode: "ReadWriteOnce" } },
        resources: {
          web: { requests: { cpu: "250m", memory: "1Gi" }, limits: { memory: "2Gi" } },
          sidekiq: { requests: { cpu: "250m", memory: "512Mi" }, limits: { memory: "1Gi" } },
        },
        sidekiq: { replicas: 1 },
        plugins: [],
        env: [],
        deletionPolicy: "Retain",
        deletionProtection: false,
        paused: false,
      },
    });
  });
});

interface Case {
  name: string;
  obj: Discourse;
  facts?: DefaultingFacts;
  path: string;
  want: unknown;
}

const external = { host: "db.example.org" };
const cases: Case[] = [
  { name: "version: the pinned release", obj: forum(), path: "spec.version", want: "2026.1.1" },
  { name: "version: a given one is kept", obj: forum({ version: "2026.7.0" }), path: "spec.version", want: "2026.7.0" },
  { name: "image: derived from the version", obj: forum({ version: "2026.7.0" }), path: "spec.image", want: "docker.io/discourse/discourse:2026.7.0" },
  { name: "image: an override is kept", obj: forum({ image: "registry.cern.ch/discourse:custom" }), path: "spec.image", want: "registry.cern.ch/discourse:custom" },
  {
    name: "image: a derived image follows a version bump",
    obj: forum({ version: "3.5.3", image: "docker.io/discourse/discourse:3.5.2" }),
    path: "spec.image",
    want: "docker.io/discourse/discourse:3.5.3",
  },
  {
    name: "image: the default repository with a non-release tag is an override",
    obj: forum({ image: "docker.io/discourse/discourse:stable-slim" }),
    path: "spec.image",
    want: "docker.io/discourse/discourse:stable-slim",
  },
  { name: "replicas: 1", obj: forum(), path: "spec.replicas", want: 1 },
  { name: "replicas: 0 is kept", obj: forum({ replicas: 0 }), path: "spec.replicas", want: 0 },
  { name: "category: personal", obj: forum(), path: "spec.category", want: "personal" },
  { name: "database.port: 5432", obj: forum(), path: "spec.database.port", want: 5432 },
  { name: "database.name: metadata.name with - as _", obj: forum({}, { name: "a-b-c" }), path: "spec.database.name", want: "a_b_c" },
  { name: "database.user: the database name", obj: forum({ database: { name: "custom" } }), path: "spec.database.user", want: "custom" },
  { name: "database.user: a given one is kept", obj: forum({ database: { user: "app" } }), path: "spec.database.user", want: "app" },
  { name: "database.credentialsSecret: <name>-db-credentials", obj: forum(), path: "spec.database.credentialsSecret", want: "forum-db-credentials" },
  { name: "database.sslMode: disable when managed", obj: forum(), path: "spec.database.sslMode", want: "disable" },
  { name: "database.sslMode: require when external", obj: forum({ database: external }), path: "spec.database.sslMode", want: "require" },
  { name: "database.sslMode: a given one is kept", obj: forum({ database: { ...external, sslMode: "verify-full" } }), path: "spec.database.sslMode", want: "verify-full" },
  { name: "database.version: 17", obj: forum(), path: "spec.database.version", want: "17" },
  { name: "database.storage.size: 10Gi", obj: forum({ database: { storage: { storageClassName: "fast" } } }), path: "spec.database.storage", want: { storageClassName: "fast", size: "10Gi" } },
  { name: "redis.storage.size: 1Gi when managed", obj: forum(), path: "spec.redis.storage", want: { size: "1Gi" } },
  { name: "redis.port: 6379", obj: forum({ redis: { host: "redis" } }), path: "spec.redis", want: { host: "redis", port: 6379 } },
  { name: "redis.passwordSecret.key: password", obj: forum({ redis: { passwordSecret: { name: "r" } } }), path: "spec.redis.passwordSecret", want: { name: "r", key: "password" } },
  { name: "smtp: stays absent", obj: forum(), path: "spec.smtp", want: undefined },
  {
    name: "smtp: port 587, STARTTLS, password key",
    obj: forum({ smtp: { host: "mx", passwordSecret: { name: "s" } } }),
    path: "spec.smtp",
    want: { host: "mx", port: 587, enableStartTLS: true, passwordSecret: { name: "s", key: "password" } },
  },
  { name: "smtp: enableStartTLS false is kept", obj: forum({ smtp: { host: "mx", enableStartTLS: false } }), path: "spec.smtp.enableStartTLS", want: false },
  { name: "ingress.enabled: true", obj: forum(), path: "spec.ingress.enabled", want: true },
  { name: "ingress.enabled: false is kept", obj: forum({ ingress: { enabled: false } }), path: "spec.ingress.enabled", want: false },
  { name: "ingress.kind: Ingress without the Route API", obj: forum(), facts: INGRESS, path: "spec.ingress.kind", want: "Ingress" },
  { name: "ingress.kind: Route with the Route API", obj: forum(), facts: ROUTE, path: "spec.ingress.kind", want: "Route" },
  { name: "ingress.kind: a given one is kept", obj: forum({ ingress: { kind: "Ingress" } }), facts: ROUTE, path: "spec.ingress.kind", want: "Ingress" },
  { name: "ingress.tlsSecretName: <name>-tls", obj: forum(), path: "spec.ingress.tlsSecretName", want: "forum-tls" },
  { name: "storage.uploads.size: 10Gi", obj: forum(), path: "spec.storage.uploads.size", want: "10Gi" },
  { name: "storage.uploads.accessMode: ReadWriteOnce with 1 replica", obj: forum({ replicas: 1 }), path: "spec.storage.uploads.accessMode", want: "ReadWriteOnce" },
  { name: "storage.uploads.accessMode: ReadWriteMany with 2 replicas", obj: forum({ replicas: 2 }), path: "spec.storage.uploads.accessMode", want: "ReadWriteMany" },
  { name: "storage.uploads.accessMode: a given one is kept", obj: forum({ replicas: 3, storage: { uploads: { accessMode: "ReadWriteOnce" } } }), path: "spec.storage.uploads.accessMode", want: "ReadWriteOnce" },
  {
    name: "resources: test",
    obj: forum({ category: "test" }),
    path: "spec.resources",
    want: {
      web: { requests: { cpu: "500m", memory: "1536Mi" }, limits: { memory: "3Gi" } },
      sidekiq: { requests: { cpu: "500m", memory: "768Mi" }, limits: { memory: "1536Mi" } },
    },
  },
  {
    name: "resources: official",
    obj: forum({ category: "official" }),
    path: "spec.resources",
    want: {
      web: { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } },
      sidekiq: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } },
    },
  },
  {
    name: "resources: given values are kept, only missing ones filled",
    obj: forum({ resources: { web: { requests: { cpu: "2" }, limits: { "ephemeral-storage": "1Gi" } } } }),
    path: "spec.resources.web",
    want: { requests: { cpu: "2", memory: "1Gi" }, limits: { "ephemeral-storage": "1Gi", memory: "2Gi" } },
  },
  {
    name: "resources: a default limit below a given request is raised to it",
    obj: forum({ resources: { web: { requests: { memory: "8Gi" } } } }),
    path: "spec.resources.web",
    want: { requests: { memory: "8Gi", cpu: "250m" }, limits: { memory: "8Gi" } },
  },
  {
    name: "resources: a default request above a given limit is lowered to it",
    obj: forum({ category: "official", resources: { sidekiq: { limits: { cpu: "500m" } } } }),
    path: "spec.resources.sidekiq",
    want: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "500m", memory: "2Gi" } },
  },
  { name: "sidekiq.replicas: 1", obj: forum(), path: "spec.sidekiq.replicas", want: 1 },
  { name: "plugins: [] when absent", obj: forum(), path: "spec.plugins", want: [] },
  { name: "env: [] when absent", obj: forum(), path: "spec.env", want: [] },
  { name: "deletionPolicy: Retain", obj: forum(), path: "spec.deletionPolicy", want: "Retain" },
  { name: "deletionProtection: false", obj: forum(), path: "spec.deletionProtection", want: false },
  { name: "paused: false", obj: forum(), path: "spec.paused", want: false },
  { name: "without metadata.name, no name-derived database name", obj: forum({}, { name: undefined, generateName: "f-" }), path: "spec.database", want: { port: 5432, sslMode: "disable", version: "17", storage: { size: "10Gi" } } },
  { name: "a section of the wrong type is left alone", obj: forum({ database: "x", resources: { web: [] } }), path: "spec.database", want: "x" },
  { name: "resources of the wrong type are left alone", obj: forum({ resources: { web: { requests: 1 } } }), path: "spec.resources.web", want: { requests: 1 } },
];

describe("applyDefaults: each default", () => {
  for (const c of cases) it(c.name, () => expect(get(applyDefaults(c.obj, c.facts ?? INGRESS), c.path)).to.deep.equal(c.want));
});

/** Every `default:` of the schema, as [path under spec, value]; arrays and maps are not entered. */
function schemaDefaults(node: JsonSchema, prefix = ""): Array<[string, unknown]> {
  const props = (node.properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(props).flatMap(([key, child]): Array<[string, unknown]> => [
    ...("default" in child ? [[`${prefix}${key}`, child.default] as [string, unknown]] : []),
    ...schemaDefaults(child, `${prefix}${key}.`),
  ]);
}

describe("applyDefaults: the schema's static defaults", () => {
  const full = forum({ smtp: { host: "mx", passwordSecret: { name: "s" } }, redis: { passwordSecret: { name: "r" } } });
  const defaulted = applyDefaults(full, INGRESS);
  const defaults = schemaDefaults(toStructural(DiscourseSpec));
  it("the schema has defaults to check", () => expect(defaults.length).to.be.greaterThan(15));
  for (const [path, value] of defaults) {
    it(`spec.${path} = ${JSON.stringify(value)}`, () => expect(get(defaulted.spec, path)).to.deep.equal(value));
  }
});

describe("applyDefaults: pure and idempotent", () => {
  const all = fixtureObjects();
  it("there are fixtures", () => expect(all.length).to.be.greaterThan(5));
  for (const { name, obj } of all) {
    for (const facts of [INGRESS, ROUTE]) {
      it(`${name} (route API ${String(facts.routeApiAvailable)}): twice equals once`, () => {
        const once = applyDefaults(obj, facts);
        expect(applyDefaults(once, facts)).to.deep.equal(once);
      });
    }
    it(`${name}: a deep-frozen input is not mutated and the result is a new object`, () => {
      const snapshot = structuredClone(obj);
      const frozen = deepFreeze(structuredClone(obj));
      const out = applyDefaults(frozen, ROUTE);
      expect(frozen).to.deep.equal(snapshot);
      expect(out).to.not.equal(frozen);
      expect(out.spec).to.not.equal(frozen.spec);
    });
  }
  for (const { name, obj } of all.filter((f) => f.name.startsWith("valid/"))) {
    it(`${name}: defaulted, validates with no error and no warning`, () => {
      expect(validate(applyDefaults(obj, ROUTE), undefined, { otherHostnames: [] }, "CREATE")).to.deep.equal({ errors: [], warnings: [] });
    });
  }
  it("an input without a spec is copied unchanged", () => {
    const obj = { apiVersion: "discourse.cern/v1alpha1", kind: "Discourse", metadata: { name: "x" } } as Discourse;
    const out = applyDefaults(obj, INGRESS);
    expect(out).to.deep.equal(obj);
    expect(out).to.not.equal(obj);
  });
});

describe("isManagedDatabase / isManagedRedis", () => {
  const table: Array<[string, Parameters<typeof isManagedDatabase>[0], boolean, boolean]> = [
    ["no sections", {}, true, true],
    ["empty hosts", { database: { host: "" }, redis: { host: "" } }, true, true],
    ["external database", { database: { host: "db" } }, false, true],
    ["external redis", { redis: { host: "redis" } }, true, false],
    ["no spec", undefined, true, true],
  ];
  for (const [name, spec, db, redis] of table) {
    it(name, () => expect([isManagedDatabase(spec), isManagedRedis(spec)]).to.deep.equal([db, redis]));
  }
});
