/**
 * A certificate renewal served without a restart and without a failed
 * request: a client loops requests over fresh TLS connections, trusting the
 * caBundle as published (as the apiserver does), while certificates that
 * live four seconds are renewed at 2/3 of their lifetime.
 */
import { expect } from "chai";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { pino } from "pino";
import { VALIDATE_PATH } from "../../../src/api/constants.js";
import { defaultCertificateOptions } from "../../../certs/dns-names.js";
import { FolderCertificateStore } from "../../../certs/folder-store.js";
import { loadOrCreateCertificates, startCertificateRotation } from "../../../certs/rotation.js";
import { splitPemBundle } from "../../../certs/x509.js";
import { emptyFacts } from "../../../webhooks/facts/types.js";
import { startWebhookServer } from "../../../webhooks/server/start-webhook-server.js";
import { postJson } from "./https-client.js";

const review = {
  apiVersion: "admission.k8s.io/v1",
  kind: "AdmissionReview",
  request: {
    uid: "renewal",
    kind: { group: "discourse.cern", version: "v1alpha1", kind: "Discourse" },
    resource: { group: "discourse.cern", version: "v1alpha1", resource: "discourses" },
    name: "forum",
    namespace: "team-a",
    operation: "DELETE",
    oldObject: { apiVersion: "discourse.cern/v1alpha1", kind: "Discourse", metadata: { name: "forum", namespace: "team-a" }, spec: {} },
  },
};

describe("webhook server: certificate renewal without restart", function () {
  this.timeout(30000);
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "webhook-renewal-"));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("serves renewed certificates on the same server while every request succeeds", async () => {
    const options = defaultCertificateOptions({ validityMs: 4000, backdateMs: 0 });
    const store = new FolderCertificateStore(dir);
    const initial = await loadOrCreateCertificates(store, options);
    const server = await startWebhookServer({
      tls: initial.stored.set,
      facts: { gather: () => Promise.resolve(emptyFacts()) },
      port: 0,
      host: "127.0.0.1",
      logger: pino({ level: "silent" }),
    });
    // What the apiserver trusts: the caBundle as last published.
    let published = initial.stored.set.caBundle;
    const bundles: string[] = [published];
    const rotation = startCertificateRotation({
      store,
      options,
      initial: initial.stored,
      checkIntervalMs: 100,
      onChange: async (set) => {
        published = set.caBundle; // injectCaBundle in a cluster
        bundles.push(set.caBundle);
        await sleep(200); // let clients pick up the bundle before the switch
        server.setCertificate(set);
      },
    });
    const serials: string[] = [];
    const failures: string[] = [];
    let requests = 0;
    try {
      const until = Date.now() + 7000;
      while (Date.now() < until) {
        requests++;
        try {
          const reply = await postJson(server.port, published, VALIDATE_PATH, review);
          if (reply.status !== 200) failures.push(`HTTP ${reply.status}`);
          if (serials.at(-1) !== reply.serial) serials.push(reply.serial);
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
    } finally {
      rotation.stop();
      await server.close();
    }
    expect(failures, `${failures.length} of ${requests} requests failed`).to.deep.equal([]);
    expect(serials.length, "served certificates, in order").to.be.at.least(3);
    expect(new Set(serials).size).to.equal(serials.length);
    // Each published bundle after the first holds the previous CA and the new one.
    for (let i = 1; i < bundles.length; i++) {
      const previous = splitPemBundle(bundles[i - 1] ?? "").at(-1);
      expect(splitPemBundle(bundles[i] ?? "")).to.have.length(2).and.to.include(previous);
    }
    expect(requests).to.be.above(20);
  });
});
