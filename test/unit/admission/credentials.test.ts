import { expect } from "chai";
import type { V1Secret } from "@kubernetes/client-node";
import { buildCredentialsSecret, postgresUri } from "../../../webhooks/credentials/build-credentials-secret.js";
import { ensureCredentialsSecret, type SecretCreator } from "../../../webhooks/credentials/ensure-credentials-secret.js";
import { generatePassword } from "../../../webhooks/credentials/generate-password.js";
import { planCredentials, type CredentialsPlan } from "../../../webhooks/credentials/plan-credentials.js";
import { emptyFacts, type ClusterFacts } from "../../../webhooks/facts/types.js";
import { fixture } from "./fixtures.js";
import type { AdmissionRequest } from "../../../webhooks/admission/types.js";
import type { DefaultedDiscourse, Discourse } from "../../../src/api/types.js";
import { applyDefaults } from "../../../webhooks/defaulting/apply-defaults.js";
import { buildCredentialsSecretAdoption, creationMetadata } from "../../../reconciler/builders/credentials-secret.js";
import { APPLIED_HASH_ANNOTATION, appliedHash } from "../../../reconciler/apply/applied-hash.js";
import { findDrift } from "../../../reconciler/apply/compare.js";
import type { KubeObject } from "../../../reconciler/client/kube-client.js";

const managed: CredentialsPlan = {
  namespace: "team-a",
  instance: "forum",
  secretName: "forum-db-credentials",
  username: "forum",
  host: "forum-postgresql",
  port: 5432,
  dbname: "forum",
  sslMode: "disable",
};

describe("credentials: planCredentials", () => {
  const cases: Array<{ name: string; fixture: string; facts?: Partial<ClusterFacts>; dryRun?: boolean; want: CredentialsPlan | null }> = [
    { name: "CREATE, managed database: the managed Service is the host", fixture: "create-minimal", want: managed },
    {
      name: "CREATE, external database: its host and port, sslmode require, name from metadata.name",
      fixture: "create-external-db",
      want: {
        namespace: "team-a",
        instance: "shop-forum",
        secretName: "shop-forum-db-credentials",
        username: "shop_forum",
        host: "pg.db.example.org",
        port: 6432,
        dbname: "shop_forum",
        sslMode: "require",
      },
    },
    { name: "a dry run creates nothing", fixture: "create-minimal-dry-run", want: null },
    {
      name: "a Secret known to exist does not stop the plan: the create decides (409 = exists), never a cache",
      fixture: "create-minimal",
      facts: { existingSecrets: new Set(["forum-db-credentials"]) },
      want: managed,
    },
    { name: "an object the validating webhook will deny gets no Secret", fixture: "create-invalid", want: null },
    { name: "a malformed object gets no Secret", fixture: "create-spec-not-object", want: null },
    { name: "UPDATE creates nothing", fixture: "update-downgrade", want: null },
    { name: "DELETE creates nothing", fixture: "delete-unprotected", want: null },
    { name: "another kind gets nothing", fixture: "configmap-create", want: null },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const plan = planCredentials(fixture(c.fixture), emptyFacts(c.facts ?? {}));
      // `creation` (the reconciler's adoption metadata) has tests of its own below
      if (plan) delete plan.creation;
      expect(plan).to.deep.equal(c.want);
    });
  }

  it("a CREATE without a name yet (generateName) gets no Secret", () => {
    const request = fixture("create-minimal");
    const object = structuredClone(request.object) as { metadata: Record<string, unknown> };
    delete object.metadata.name;
    object.metadata.generateName = "forum-";
    expect(planCredentials({ ...request, name: "", object }, emptyFacts())).to.equal(null);
  });
});

describe("credentials: created with the reconciler's adoption metadata", () => {
  /** The request's object as the reconciler sees it once stored: defaulted, with a uid. */
  function stored(request: AdmissionRequest): DefaultedDiscourse {
    const d = applyDefaults(request.object as Discourse, { routeApiAvailable: false });
    return { ...d, metadata: { ...d.metadata, namespace: request.namespace, uid: "0b5c3f9e-1d2a-4c8e-9f00-1234567890ab" } };
  }

  it("under Retain the webhook's Secret is one the reconciler's adoption finds unchanged (no second write)", () => {
    const request = fixture("create-minimal");
    const plan = planCredentials(request, emptyFacts());
    const secret = buildCredentialsSecret(plan!, "pw") as unknown as KubeObject;
    const adoption = buildCredentialsSecretAdoption(stored(request)) as unknown as KubeObject;
    expect(adoption.metadata.ownerReferences).to.equal(undefined);
    expect(secret.metadata.annotations?.[APPLIED_HASH_ANNOTATION]).to.equal(appliedHash(adoption));
    expect(findDrift(adoption, secret)).to.deep.equal([]);
    expect(secret.metadata.labels).to.deep.equal({
      "app.kubernetes.io/name": "discourse",
      "app.kubernetes.io/instance": "forum",
      "app.kubernetes.io/component": "database",
      "app.kubernetes.io/managed-by": "discourse-operator",
    });
  });

  it("under Delete only API.md's two labels: the owner reference is left to the adoption's apply", () => {
    const request = fixture("create-minimal");
    const object = structuredClone(request.object) as { spec: Record<string, unknown> };
    object.spec.deletionPolicy = "Delete";
    const plan = planCredentials({ ...request, object }, emptyFacts());
    expect(plan?.creation).to.equal(null);
    const secret = buildCredentialsSecret(plan!, "pw");
    expect(secret.metadata?.labels).to.deep.equal({ "app.kubernetes.io/managed-by": "discourse-operator", "app.kubernetes.io/instance": "forum" });
    expect(secret.metadata?.annotations).to.equal(undefined);
  });

  it("creationMetadata: null when the adoption carries an owner reference", () => {
    const request = fixture("create-minimal");
    const d = stored(request);
    expect(creationMetadata(buildCredentialsSecretAdoption({ ...d, spec: { ...d.spec, deletionPolicy: "Delete" } }))).to.equal(null);
    expect(creationMetadata(buildCredentialsSecretAdoption(d))?.labels).to.include({ "app.kubernetes.io/component": "database" });
  });
});

describe("credentials: the Secret", () => {
  it("generatePassword: 43 URL-safe characters from 32 random bytes, never the same twice", () => {
    const passwords = Array.from({ length: 200 }, () => generatePassword());
    for (const p of passwords) expect(p).to.match(/^[A-Za-z0-9_-]{43}$/);
    expect(new Set(passwords).size).to.equal(200);
  });

  it("buildCredentialsSecret: the whole object", () => {
    expect(buildCredentialsSecret(managed, "pw")).to.deep.equal({
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: "forum-db-credentials",
        namespace: "team-a",
        labels: { "app.kubernetes.io/managed-by": "discourse-operator", "app.kubernetes.io/instance": "forum" },
      },
      type: "kubernetes.io/basic-auth",
      stringData: {
        username: "forum",
        password: "pw",
        host: "forum-postgresql",
        port: "5432",
        dbname: "forum",
        uri: "postgresql://forum:pw@forum-postgresql:5432/forum?sslmode=disable",
      },
    });
  });

  it("postgresUri percent-encodes user, password and database name", () => {
    expect(postgresUri({ ...managed, username: "a$b", dbname: "x y" }, "p@ss:/w")).to.equal(
      "postgresql://a%24b:p%40ss%3A%2Fw@forum-postgresql:5432/x%20y?sslmode=disable",
    );
  });

  const hosts: Array<{ host: string; uri: string }> = [
    { host: "db.example.org", uri: "postgresql://forum:pw@db.example.org:5432/forum?sslmode=disable" },
    { host: "192.0.2.7", uri: "postgresql://forum:pw@192.0.2.7:5432/forum?sslmode=disable" },
    { host: "2001:db8::7", uri: "postgresql://forum:pw@[2001:db8::7]:5432/forum?sslmode=disable" },
    // Admission refuses such hosts; should one get past it, it still cannot end the host part.
    { host: "evil@other/x?y", uri: "postgresql://forum:pw@evil%40other%2Fx%3Fy:5432/forum?sslmode=disable" },
  ];
  for (const c of hosts) {
    it(`postgresUri: host ${c.host} is escaped or bracketed`, () => {
      expect(postgresUri({ ...managed, host: c.host }, "pw")).to.equal(c.uri);
    });
  }
});

describe("credentials: ensureCredentialsSecret", () => {
  const api = (outcome: { code?: number }, seen: V1Secret[]): SecretCreator =>
    ({
      createNamespacedSecret: ({ body }: { body: V1Secret }) => {
        seen.push(body);
        if (outcome.code === undefined) return Promise.resolve(body);
        return Promise.reject(Object.assign(new Error(`HTTP ${outcome.code} ${JSON.stringify(body)}`), { code: outcome.code }));
      },
    });

  const cases = [
    { name: "creates the Secret", code: undefined, want: "created" },
    { name: "409 AlreadyExists: someone else made it; kept as it is", code: 409, want: "exists" },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const seen: V1Secret[] = [];
      expect(await ensureCredentialsSecret(api({ code: c.code }, seen), managed)).to.equal(c.want);
      expect(seen.map((s) => s.stringData?.password?.length)).to.deep.equal([43]);
    });
  }

  it("any other failure is an error without the Secret's data", async () => {
    const seen: V1Secret[] = [];
    const err = (await ensureCredentialsSecret(api({ code: 403 }, seen), managed).catch((e: unknown) => e)) as Error;
    expect(err.message).to.equal("creating Secret team-a/forum-db-credentials failed with HTTP 403");
    expect(err.message).to.not.include(seen[0]?.stringData?.password ?? "unreachable");
  });
});
