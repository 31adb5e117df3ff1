/**
 * Both webhooks against the real local apiserver, through kubectl as a user
 * types it. The webhook runs on this machine (runWebhook, url mode,
 * certificates in a temporary folder) and is unregistered afterwards, so
 * other test files of the run are not affected.
 */
import { expect } from "chai";
import { AdmissionregistrationV1Api, CoreV1Api, type V1Secret } from "@kubernetes/client-node";
import { parse, stringify } from "yaml";
import { DEFAULT_DISCOURSE_VERSION, MUTATING_CONFIGURATION_NAME, VALIDATING_CONFIGURATION_NAME } from "../../../src/api/constants.js";
import type { Discourse } from "../../../src/api/types.js";
import { applyDefaults } from "../../../webhooks/defaulting/apply-defaults.js";
import type { RunningWebhook } from "../../../webhooks/server/run-webhook.js";
import { attemptName } from "../../hooks/attempt.js";
import { env, installCrd, kubectl, newNamespace } from "../../hooks/control-plane.js";
import { startUrlModeWebhook, type UrlModeWebhook } from "../../hooks/url-mode-webhook.js";

const discourse = (name: string, spec: Record<string, unknown>): Record<string, unknown> => ({
  apiVersion: "discourse.cern/v1alpha1",
  kind: "Discourse",
  metadata: { name },
  spec,
});

describe("webhooks with the real apiserver, through kubectl", function () {
  this.timeout(60000);
  let served: UrlModeWebhook | undefined;
  let webhook: RunningWebhook;
  let ns: string;

  const apply = (obj: unknown, ...args: string[]) => kubectl(["apply", "-n", ns, "-f", "-", ...args], { input: stringify(obj) });
  const readSecret = (name: string): Promise<V1Secret> => env().kc.makeApiClient(CoreV1Api).readNamespacedSecret({ namespace: ns, name });

  before(async () => {
    await installCrd();
    served = await startUrlModeWebhook("webhook-kubectl");
    webhook = served.webhook;
    ns = await newNamespace("webhook-kubectl");
  });

  after(async () => served?.stop());

  it("registers both configurations with the served CA in caBundle and a url on this machine", async () => {
    const api = env().kc.makeApiClient(AdmissionregistrationV1Api);
    const v = await api.readValidatingWebhookConfiguration({ name: VALIDATING_CONFIGURATION_NAME });
    const m = await api.readMutatingWebhookConfiguration({ name: MUTATING_CONFIGURATION_NAME });
    const ca = Buffer.from(webhook.certificates().caBundle).toString("base64");
    expect([v.webhooks?.[0]?.clientConfig.caBundle, m.webhooks?.[0]?.clientConfig.caBundle]).to.deep.equal([ca, ca]);
    expect(v.webhooks?.[0]?.clientConfig.url).to.equal(`https://127.0.0.1:${webhook.port}/validate-discourse-cern-v1alpha1-discourse`);
  });

  it("a malformed Discourse is rejected with `The Discourse \"x\" is invalid:` and one line per field", async () => {
    // Problems the CRD schema lets through, so the validating webhook names them all at once.
    const r = await apply(
      discourse("x", {
        hostname: "x.example.org",
        developerEmails: ["a@example.org", "a@example.org"],
        env: [{ name: "DISCOURSE_HOSTNAME", value: "other.example.org" }],
        plugins: [
          { name: "chat", repository: "https://github.com/discourse/discourse-chat.git" },
          { name: "chat", repository: "https://github.com/discourse/discourse-chat.git" },
        ],
      }),
    );
    expect(r.code).to.not.equal(0);
    const lines = r.stderr.trim().split("\n");
    expect(lines[0]).to.equal('The Discourse "x" is invalid: ');
    expect(lines.slice(1).map((l) => l.replace(/^\* ([^:]+): .*$/, "$1"))).to.deep.equal(["spec.developerEmails[1]", "spec.plugins[1].name", "spec.env[0].name"]);
  });

  it("a floating tag is answered in the webhook's words, not with a regular expression", async () => {
    const r = await apply(discourse("floating", { hostname: "floating.example.org", version: "latest", developerEmails: ["a@example.org"] }));
    expect(r.code).to.not.equal(0);
    expect(r.stderr.trim()).to.equal(
      `The Discourse "floating" is invalid: spec.version: Invalid value: "latest": floating tag "latest": pin a concrete release such as ${DEFAULT_DISCOURSE_VERSION}`,
    );
  });

  it("a hostname another Discourse holds is rejected by the webhook (the schema cannot say it)", async () => {
    const first = await apply(discourse("taken", { hostname: "taken.example.org", developerEmails: ["a@example.org"] }));
    expect(first.code, first.stderr).to.equal(0);
    const other = await newNamespace("webhook-kubectl-other");
    const r = await kubectl(["apply", "-n", other, "-f", "-"], {
      input: stringify(discourse("second", { hostname: "taken.example.org", developerEmails: ["a@example.org"] })),
    });
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.match(/^The Discourse "second" is invalid: spec\.hostname: Duplicate value: "taken\.example\.org"/);
  });

  it("`kubectl apply --dry-run=server -o yaml` shows every default and creates nothing", async () => {
    const input = discourse("preview", { hostname: "preview.example.org", developerEmails: ["a@example.org"] });
    const r = await apply(input, "--dry-run=server", "-o", "yaml");
    expect(r.code, r.stderr).to.equal(0);
    const shown = parse(r.stdout) as Discourse;
    expect(shown.spec).to.deep.equal(applyDefaults({ ...input, metadata: { name: "preview", namespace: ns } } as unknown as Discourse, { routeApiAvailable: false }).spec);
    const secret = await kubectl(["get", "secret", "-n", ns, "preview-db-credentials"]);
    const object = await kubectl(["get", "discourse", "-n", ns, "preview"]);
    expect([secret.code, object.code]).to.deep.equal([1, 1]);
    expect(secret.stderr).to.include("NotFound");
  });

  it("a real apply creates the credentials Secret once; re-applying never changes its password", async () => {
    const input = discourse("forum", { hostname: "forum.example.org", developerEmails: ["a@example.org"] });
    const created = await apply(input);
    expect(created.code, created.stderr).to.equal(0);
    const secret = await readSecret("forum-db-credentials");
    const data = Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]));
    const password = data.password ?? "";
    expect(password).to.match(/^[A-Za-z0-9_-]{32,}$/);
    expect({ ...data, password: "<generated>", uri: data.uri?.replace(password, "<generated>") }).to.deep.equal({
      username: "forum",
      password: "<generated>",
      host: "forum-postgresql",
      port: "5432",
      dbname: "forum",
      uri: "postgresql://forum:<generated>@forum-postgresql:5432/forum?sslmode=disable",
    });
    expect([secret.type, secret.metadata?.labels]).to.deep.equal([
      "kubernetes.io/basic-auth",
      // API.md's two labels, and the reconciler's adoption labels (creationMetadata: deletionPolicy Retain)
      { "app.kubernetes.io/managed-by": "discourse-operator", "app.kubernetes.io/instance": "forum", "app.kubernetes.io/name": "discourse", "app.kubernetes.io/component": "database" },
    ]);

    const again = await apply(input);
    const changed = await apply(discourse("forum", { hostname: "forum.example.org", developerEmails: ["a@example.org"], replicas: 2 }));
    expect([again.code, changed.code]).to.deep.equal([0, 0]);
    const after = await readSecret("forum-db-credentials");
    expect(after.metadata?.resourceVersion).to.equal(secret.metadata?.resourceVersion);
    expect(Buffer.from(after.data?.password ?? "", "base64").toString("utf8")).to.equal(password);
  });

  it("a Secret that already exists is kept as it is", async function () {
    const mine = attemptName(this, "mine");
    const own = await kubectl(["create", "secret", "generic", "-n", ns, `${mine}-db-credentials`, "--from-literal=password=chosen-by-me"]);
    expect(own.code, own.stderr).to.equal(0);
    const r = await apply(discourse(mine, { hostname: `${mine}.example.org`, developerEmails: ["a@example.org"] }));
    expect(r.code, r.stderr).to.equal(0);
    const secret = await readSecret(`${mine}-db-credentials`);
    expect(Object.keys(secret.data ?? {})).to.deep.equal(["password"]);
    expect(Buffer.from(secret.data?.password ?? "", "base64").toString("utf8")).to.equal("chosen-by-me");
  });

  it("warnings reach the user: a referenced Secret that does not exist yet", async () => {
    const r = await apply(
      discourse("mail", {
        hostname: "mail.example.org",
        developerEmails: ["a@example.org"],
        smtp: { host: "smtp.example.org", passwordSecret: { name: "smtp-password" } },
      }),
    );
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.match(/^Warning: .*smtp-password/m);
  });

  it("resources defaulted from category follow a later change of category; a value the user set stays", async () => {
    const spec = { hostname: "cat.example.org", developerEmails: ["a@example.org"], resources: { web: { requests: { cpu: "3" } } } };
    expect((await apply(discourse("cat", spec))).code).to.equal(0);
    const r = await apply(discourse("cat", { ...spec, category: "official" }));
    expect(r.code, r.stderr).to.equal(0);
    const stored = parse((await kubectl(["get", "discourse", "-n", ns, "cat", "-o", "yaml"])).stdout) as Discourse;
    expect(stored.spec.resources).to.deep.equal({
      web: { requests: { cpu: "3", memory: "2Gi" }, limits: { cpu: "3", memory: "4Gi" } },
      sidekiq: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "2", memory: "2Gi" } },
    });
  });

  it("deleting a Discourse with deletionProtection is denied", async () => {
    const created = await apply(discourse("keep", { hostname: "keep.example.org", developerEmails: ["a@example.org"], deletionProtection: true }));
    expect(created.code, created.stderr).to.equal(0);
    const r = await kubectl(["delete", "discourse", "-n", ns, "keep", "--wait=false"]);
    expect(r.code).to.not.equal(0);
    expect(r.stderr).to.match(/^The Discourse "keep" is invalid: spec\.deletionProtection: Forbidden/);
  });
});
