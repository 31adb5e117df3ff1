/**
 * Credentials on every path the webhook sees (issue 11), through kubectl with
 * the real apiserver: a forum deleted and re-created within seconds gets its
 * Secret again (the decision is a create, never a cached "exists"); a forum
 * created with generateName gets no wrongly named credentialsSecret (the
 * reconciler names it from the final name); a forum in kube-system gets
 * defaults, credentials and deletion protection like any other; a Secret the
 * operator made for another forum is refused.
 */
import { expect } from "chai";
import { CoreV1Api, type V1Secret } from "@kubernetes/client-node";
import { randomBytes } from "node:crypto";
import { parse, stringify } from "yaml";
import type { Discourse } from "../../../src/api/types.js";
import { attemptName } from "../../hooks/attempt.js";
import { env, installCrd, kubectl, newNamespace } from "../../hooks/control-plane.js";
import { startUrlModeWebhook, type UrlModeWebhook } from "../../hooks/url-mode-webhook.js";

const discourse = (name: string, spec: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: "discourse.cern/v1alpha1",
  kind: "Discourse",
  metadata: { name },
  spec: { hostname: `${name}-${randomBytes(3).toString("hex")}.example.org`, developerEmails: ["a@example.org"], ...spec },
});

describe("credentials on every path, through kubectl", function () {
  this.timeout(120_000);
  let served: UrlModeWebhook | undefined;
  let ns: string;
  const core = (): CoreV1Api => env().kc.makeApiClient(CoreV1Api);
  const apply = (obj: unknown, namespace = ns) => kubectl(["apply", "-n", namespace, "-f", "-"], { input: stringify(obj) });
  const secret = (name: string, namespace = ns): Promise<V1Secret | null> =>
    core().readNamespacedSecret({ namespace, name }).catch(() => null);

  before(async () => {
    await installCrd();
    served = await startUrlModeWebhook("webhook-credentials");
    ns = await newNamespace("webhook-credentials");
  });
  after(async () => served?.stop());

  it("deleted and re-created within seconds: the Secret is generated again (no cached 'exists')", async () => {
    const input = discourse("again");
    expect((await apply(input)).code).to.equal(0);
    const first = await secret("again-db-credentials");
    expect(first?.metadata?.uid).to.be.a("string");
    // What deletionPolicy Delete does: the forum and its Secret go.
    expect((await kubectl(["delete", "discourse", "-n", ns, "again", "--wait=true"])).code).to.equal(0);
    expect((await kubectl(["delete", "secret", "-n", ns, "again-db-credentials", "--wait=true"])).code).to.equal(0);
    const r = await apply(input);
    expect(r.code, r.stderr).to.equal(0);
    const second = await secret("again-db-credentials");
    expect(second?.metadata?.uid).to.be.a("string").and.not.equal(first?.metadata?.uid);
    // API.md's two labels, plus the reconciler's adoption labels (creationMetadata: deletionPolicy Retain).
    expect(second?.metadata?.labels).to.deep.equal({
      "app.kubernetes.io/managed-by": "discourse-operator",
      "app.kubernetes.io/instance": "again",
      "app.kubernetes.io/name": "discourse",
      "app.kubernetes.io/component": "database",
    });
  });

  it("generateName: no credentialsSecret is derived from a name that does not exist yet, and no Secret is made", async () => {
    const obj = discourse("x");
    (obj as { metadata: Record<string, unknown> }).metadata = { generateName: "gen-" };
    const r = await kubectl(["create", "-n", ns, "-f", "-", "-o", "yaml"], { input: stringify(obj) });
    expect(r.code, r.stderr).to.equal(0);
    const stored = parse(r.stdout) as Discourse;
    expect(stored.metadata.name).to.match(/^gen-[a-z0-9]{5}$/);
    expect(stored.spec.database).to.not.have.property("credentialsSecret");
    expect(stored.spec.database).to.not.have.property("name");
    expect(stored.spec.ingress).to.not.have.property("tlsSecretName");
    const secrets = await core().listNamespacedSecret({ namespace: ns });
    expect(secrets.items.map((s) => s.metadata?.name).filter((n) => n?.endsWith("db-credentials") && !n.startsWith("again"))).to.deep.equal([]);
  });

  it("a Secret the operator made for another forum is refused as credentialsSecret", async () => {
    expect((await apply(discourse("owner"))).code).to.equal(0);
    expect((await secret("owner-db-credentials"))?.metadata?.labels?.["app.kubernetes.io/instance"]).to.equal("owner");
    const r = await apply(discourse("taker", { database: { credentialsSecret: "owner-db-credentials" } }));
    expect(r.code).to.not.equal(0);
    expect(r.stderr.trim()).to.equal(
      'The Discourse "taker" is invalid: spec.database.credentialsSecret: Forbidden: Secret "owner-db-credentials" holds the database credentials the operator generated for Discourse "owner"; name a Secret of this forum\'s own (or leave the field out to get taker-db-credentials)',
    );
  });

  it("a Secret of the user's own (no operator labels) may be named", async function () {
    const [brought, brings] = [attemptName(this, "brought"), attemptName(this, "brings")];
    expect((await kubectl(["create", "secret", "generic", "-n", ns, brought, "--from-literal=password=mine"])).code).to.equal(0);
    const r = await apply(discourse(brings, { database: { credentialsSecret: brought } }));
    expect(r.code, r.stderr).to.equal(0);
    expect(Object.keys((await secret(brought))?.data ?? {})).to.deep.equal(["password"]);
  });

  describe("in kube-system, like any namespace", () => {
    const name = `sys-${randomBytes(3).toString("hex")}`;
    after(async () => {
      await kubectl(["patch", "discourse", "-n", "kube-system", name, "--type=merge", "-p", '{"spec":{"deletionProtection":false}}']);
      await kubectl(["delete", "discourse", "-n", "kube-system", name, "--wait=false"]);
      await kubectl(["delete", "secret", "-n", "kube-system", `${name}-db-credentials`, "--wait=false"]);
    });

    it("gets defaults and its credentials Secret", async () => {
      const r = await apply(discourse(name, { deletionProtection: true }), "kube-system");
      expect(r.code, r.stderr).to.equal(0);
      const stored = parse((await kubectl(["get", "discourse", "-n", "kube-system", name, "-o", "yaml"])).stdout) as Discourse;
      expect(stored.spec.database?.credentialsSecret).to.equal(`${name}-db-credentials`);
      expect(stored.spec.replicas).to.equal(1);
      expect((await secret(`${name}-db-credentials`, "kube-system"))?.type).to.equal("kubernetes.io/basic-auth");
    });

    it("is protected from deletion", async () => {
      const r = await kubectl(["delete", "discourse", "-n", "kube-system", name, "--wait=false"]);
      expect(r.code).to.not.equal(0);
      expect(r.stderr).to.match(new RegExp(`^The Discourse "${name}" is invalid: spec\\.deletionProtection: Forbidden`));
    });

    it("is validated: an IP hostname is refused there too", async () => {
      const r = await apply(discourse(`${name}-bad`, { hostname: "10.1.2.3" }), "kube-system");
      expect(r.code).to.not.equal(0);
      expect(r.stderr).to.include('spec.hostname: Invalid value: "10.1.2.3": must be a DNS name, not an IP address');
    });
  });
});
