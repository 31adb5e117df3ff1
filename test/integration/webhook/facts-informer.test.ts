/**
 * The webhook's in-memory facts against the real local apiserver: the
 * Discourse informer's hostname index decides uniqueness as soon as it has
 * seen an object, and frees a hostname when the object is deleted.
 */
import { expect } from "chai";
import { pino } from "pino";
import { stringify } from "yaml";
import { CachedFactsSource } from "../../../webhooks/facts/cached-facts.js";
import type { HostnameClaim } from "../../../webhooks/facts/types.js";
import type { RunningWebhook } from "../../../webhooks/server/run-webhook.js";
import { env, installCrd, kubectl, newNamespace } from "../../hooks/control-plane.js";
import { waitFor } from "../../hooks/wait.js";
import { startUrlModeWebhook, type UrlModeWebhook } from "../../hooks/url-mode-webhook.js";
import { send } from "./https-client.js";

const discourse = (name: string, hostname: string): Record<string, unknown> => ({
  apiVersion: "discourse.cern/v1alpha1",
  kind: "Discourse",
  metadata: { name },
  spec: { hostname, developerEmails: ["a@example.org"] },
});


const claims = (webhook: RunningWebhook, hostname: string): HostnameClaim[] => webhook.facts.index.claimsOf(hostname);

describe("webhook facts from the Discourse informer, with the real apiserver", function () {
  this.timeout(60000);
  let served: UrlModeWebhook | undefined;
  let webhook: RunningWebhook;

  const create = (ns: string, obj: unknown) => kubectl(["create", "-n", ns, "-f", "-"], { input: stringify(obj) });

  before(async () => {
    await installCrd();
    served = await startUrlModeWebhook("webhook-facts");
    webhook = served.webhook;
    await waitFor("the informer has synced", () => webhook.ready(), 5000, 20);
  });

  after(async () => served?.stop());

  it("/readyz answers ok once the informer has synced", async () => {
    const r = await send(webhook.port, webhook.certificates().caBundle, { method: "GET", path: "/readyz" });
    expect([r.status, r.body]).to.deep.equal([200, "ok"]);
  });

  it("a second Discourse with a hostname is rejected as soon as the informer has seen the first; deleting the first frees it", async () => {
    const [a, b] = [await newNamespace("facts-a"), await newNamespace("facts-b")];
    const first = await create(a, discourse("first", "informer.example.org"));
    expect(first.code, first.stderr).to.equal(0);
    await waitFor("the index holds a/first", () => claims(webhook, "informer.example.org").length === 1, 5000, 20);
    expect(claims(webhook, "informer.example.org")).to.deep.equal([{ namespace: a, name: "first", hostname: "informer.example.org" }]);

    const second = await create(b, discourse("second", "informer.example.org"));
    expect(second.code).to.not.equal(0);
    expect(second.stderr).to.match(
      new RegExp(`^The Discourse "second" is invalid: spec\\.hostname: Duplicate value: "informer\\.example\\.org": already used by Discourse "${a}/first"`),
    );

    const deleted = await kubectl(["delete", "-n", a, "discourse", "first", "--wait=true"]);
    expect(deleted.code, deleted.stderr).to.equal(0);
    await waitFor("the index has freed the hostname", () => claims(webhook, "informer.example.org").length === 0, 5000, 20);
    const again = await create(b, discourse("second", "informer.example.org"));
    expect(again.code, again.stderr).to.equal(0);
  });

  it("a hostname changed by an update moves in the index", async () => {
    const ns = await newNamespace("facts-move");
    expect((await create(ns, discourse("moving", "before.example.org"))).code).to.equal(0);
    await waitFor("the index holds the old hostname", () => claims(webhook, "before.example.org").length === 1, 5000, 20);
    const patched = await kubectl(["patch", "-n", ns, "discourse", "moving", "--type=merge", "-p", '{"spec":{"hostname":"after.example.org"}}']);
    expect(patched.code, patched.stderr).to.equal(0);
    await waitFor("the index holds the new hostname", () => claims(webhook, "after.example.org").length === 1, 5000, 20);
    expect(claims(webhook, "before.example.org")).to.deep.equal([]);
  });

  it("a new source starts not synced, then holds the Discourses that existed before it from its first list", async () => {
    const ns = await newNamespace("facts-list");
    expect((await create(ns, discourse("listed", "listed.example.org"))).code).to.equal(0);
    const source = CachedFactsSource.fromKubeConfig(env().kc, { logger: pino({ level: "silent" }) });
    const before = source.synced;
    source.start();
    try {
      await source.whenSynced;
      expect({ before, after: source.synced, claims: source.index.claimsOf("listed.example.org") }).to.deep.equal({
        before: false,
        after: true,
        claims: [{ namespace: ns, name: "listed", hostname: "listed.example.org" }],
      });
    } finally {
      await source.stop();
    }
  });
});
