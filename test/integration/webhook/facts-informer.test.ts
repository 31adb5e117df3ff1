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
import { attemptName } from "../../hooks/attempt.js";
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

  it("a second Discourse with a hostname is rejected as soon as the informer has seen the first; deleting the first frees it", async function () {
    const [a, b] = [await newNamespace("facts-a"), await newNamespace("facts-b")];
    const host = `${attemptName(this, "informer")}.example.org`; // unique in the cluster: a retry must not meet the first attempt's
    const first = await create(a, discourse("first", host));
    expect(first.code, first.stderr).to.equal(0);
    await waitFor("the index holds a/first", () => claims(webhook, host).length === 1, 5000, 20);
    expect(claims(webhook, host)).to.deep.equal([{ namespace: a, name: "first", hostname: host }]);

    const second = await create(b, discourse("second", host));
    expect(second.code).to.not.equal(0);
    expect(second.stderr).to.match(
      new RegExp(`^The Discourse "second" is invalid: spec\\.hostname: Duplicate value: "${host.replace(/\./g, "\\.")}": already used by Discourse "${a}/first"`),
    );

    const deleted = await kubectl(["delete", "-n", a, "discourse", "first", "--wait=true"]);
    expect(deleted.code, deleted.stderr).to.equal(0);
    await waitFor("the index has freed the hostname", () => claims(webhook, host).length === 0, 5000, 20);
    const again = await create(b, discourse("second", host));
    expect(again.code, again.stderr).to.equal(0);
  });

  it("a hostname changed by an update moves in the index", async function () {
    const ns = await newNamespace("facts-move");
    const [from, to] = [`${attemptName(this, "before")}.example.org`, `${attemptName(this, "after")}.example.org`];
    expect((await create(ns, discourse("moving", from))).code).to.equal(0);
    await waitFor("the index holds the old hostname", () => claims(webhook, from).length === 1, 5000, 20);
    const patched = await kubectl(["patch", "-n", ns, "discourse", "moving", "--type=merge", "-p", JSON.stringify({ spec: { hostname: to } })]);
    expect(patched.code, patched.stderr).to.equal(0);
    await waitFor("the index holds the new hostname", () => claims(webhook, to).length === 1, 5000, 20);
    expect(claims(webhook, from)).to.deep.equal([]);
  });

  it("a new source starts not synced, then holds the Discourses that existed before it from its first list", async function () {
    const ns = await newNamespace("facts-list");
    const host = `${attemptName(this, "listed")}.example.org`;
    expect((await create(ns, discourse("listed", host))).code).to.equal(0);
    const source = CachedFactsSource.fromKubeConfig(env().kc, { logger: pino({ level: "silent" }) });
    const before = source.synced;
    source.start();
    try {
      await source.whenSynced;
      expect({ before, after: source.synced, claims: source.index.claimsOf(host) }).to.deep.equal({
        before: false,
        after: true,
        claims: [{ namespace: ns, name: "listed", hostname: host }],
      });
    } finally {
      await source.stop();
    }
  });
});
