/**
 * Callers (issue 11, shared/API.md "callers"): requests the API server did not
 * send cause no side effect and learn nothing about Secrets. Forged
 * AdmissionReviews are sent over HTTPS straight to the webhook that the real
 * apiserver also calls (url mode): without a client certificate, or with one
 * another CA signed, a CREATE gets its defaults but no Secret is created, and
 * a validation answer is the same whether the Secrets it names exist or not.
 * The apiserver's own requests (with its client certificate) do create the
 * Secret: see credentials.test.ts and kubectl.test.ts.
 */
import { expect } from "chai";
import { CoreV1Api } from "@kubernetes/client-node";
import { Writable } from "node:stream";
import { pino } from "pino";
import { MUTATE_PATH, VALIDATE_PATH } from "../../../src/api/constants.js";
import { generatePki, type ControlPlanePki } from "../../../src/envtest/pki.js";
import { defaultCertificateOptions } from "../../../certs/dns-names.js";
import { createCertificateSet } from "../../../certs/generate.js";
import type { AdmissionResponse } from "../../../webhooks/admission/types.js";
import { emptyFacts } from "../../../webhooks/facts/types.js";
import { startWebhookServer } from "../../../webhooks/server/start-webhook-server.js";
import { attemptName } from "../../hooks/attempt.js";
import { env, installCrd, kubectl, newNamespace } from "../../hooks/control-plane.js";
import { startUrlModeWebhook, type UrlModeWebhook } from "../../hooks/url-mode-webhook.js";
import { postJson } from "./https-client.js";

const review = (request: Record<string, unknown>): unknown => ({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request });
const forum = (namespace: string, name: string, spec: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: "discourse.cern/v1alpha1",
  kind: "Discourse",
  metadata: { name, namespace },
  spec: { hostname: `${name}.callers.example.org`, developerEmails: ["a@example.org"], ...spec },
});
const request = (operation: string, namespace: string, object: Record<string, unknown>): Record<string, unknown> => ({
  uid: `uid-${Math.random().toString(16).slice(2)}`,
  kind: { group: "discourse.cern", version: "v1alpha1", kind: "Discourse" },
  resource: { group: "discourse.cern", version: "v1alpha1", resource: "discourses" },
  name: (object.metadata as { name: string }).name,
  namespace,
  operation,
  object,
  oldObject: null,
  dryRun: false,
});
const responseOf = (body: string): AdmissionResponse => (JSON.parse(body) as { response: AdmissionResponse }).response;

describe("callers: a forged AdmissionReview causes no side effect", function () {
  this.timeout(60_000);
  let served: UrlModeWebhook | undefined;
  let ns: string;
  let other: ControlPlanePki;
  const secretNames = async (): Promise<string[]> =>
    (await env().kc.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace: ns })).items.map((s) => s.metadata?.name ?? "");

  before(async () => {
    await installCrd();
    served = await startUrlModeWebhook("webhook-callers");
    ns = await newNamespace("webhook-callers");
    other = await generatePki();
  });
  after(async () => served?.stop());

  const clients = [
    { name: "without a client certificate", client: () => undefined },
    { name: "with a client certificate another CA signed", client: () => ({ cert: other.adminCert, key: other.adminKey }) },
  ];
  for (const c of clients) {
    it(`a CREATE ${c.name}: defaults come back, no Secret is created`, async () => {
      const name = c.client() ? "forged-b" : "forged-a";
      const reply = await postJson(served!.webhook.port, served!.webhook.certificates().caBundle, MUTATE_PATH, review(request("CREATE", ns, forum(ns, name))), c.client());
      const response = responseOf(reply.body);
      expect([reply.status, response.allowed, response.patchType]).to.deep.equal([200, true, "JSONPatch"]);
      expect(await secretNames()).to.not.include(`${name}-db-credentials`);
    });
  }

  it("a forged CREATE for a Secret name of its choosing in another namespace creates nothing there", async () => {
    const target = await newNamespace("webhook-callers-target");
    const object = forum(target, "intruder", { database: { credentialsSecret: "planted" } });
    const reply = await postJson(served!.webhook.port, served!.webhook.certificates().caBundle, MUTATE_PATH, review(request("CREATE", target, object)));
    expect(reply.status).to.equal(200);
    const names = (await env().kc.makeApiClient(CoreV1Api).listNamespacedSecret({ namespace: target })).items.map((s) => s.metadata?.name);
    expect(names).to.not.include("planted");
  });

  it("a forged validation learns nothing of which Secrets exist: the answer is the same for a present and an absent one", async function () {
    const [present, absent] = [attemptName(this, "present"), attemptName(this, "absent")];
    expect((await kubectl(["create", "secret", "generic", "-n", ns, present, "--from-literal=password=x"])).code).to.equal(0);
    const ask = async (secret: string): Promise<AdmissionResponse> => {
      const object = forum(ns, "probe", { smtp: { host: "smtp.example.org", passwordSecret: { name: secret, key: "password" } } });
      const reply = await postJson(served!.webhook.port, served!.webhook.certificates().caBundle, VALIDATE_PATH, review(request("CREATE", ns, object)));
      const { uid: _uid, ...rest } = responseOf(reply.body);
      return rest as AdmissionResponse;
    };
    const [there, missing] = [await ask(present), await ask(absent)];
    expect(there).to.deep.equal(missing);
    expect(missing.warnings ?? []).to.deep.equal([]);
  });
});

describe("callers: the client-certificate policy on the HTTPS server", function () {
  this.timeout(30_000);
  const cases = [
    { name: "a certificate from the client CA with an allowed name is trusted", commonNames: ["admin"], withCert: true, trusted: true },
    { name: "a certificate from the client CA with another name is not", commonNames: ["kube-apiserver-admission-client"], withCert: true, trusted: false },
    { name: "no certificate is not trusted (and still answered)", commonNames: ["admin"], withCert: false, trusted: false },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const pki = await generatePki();
      const serving = await createCertificateSet(defaultCertificateOptions());
      const lines: string[] = [];
      const sink = new Writable({ write: (chunk: Buffer, _e, cb) => (lines.push(chunk.toString("utf8")), cb()) });
      const server = await startWebhookServer({
        tls: serving,
        facts: { gather: () => Promise.resolve(emptyFacts()) },
        port: 0,
        host: "127.0.0.1",
        callers: { mode: "client-certificate", ca: pki.caCert, commonNames: c.commonNames },
        logger: pino({ level: "info", base: undefined }, sink),
      });
      try {
        const client = c.withCert ? { cert: pki.adminCert, key: pki.adminKey } : undefined;
        const reply = await postJson(server.port, serving.caBundle, VALIDATE_PATH, review(request("CREATE", "team-a", forum("team-a", "f"))), client);
        expect([reply.status, responseOf(reply.body).allowed]).to.deep.equal([200, true]);
        const line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === "admission");
        expect(line?.trustedCaller).to.equal(c.trusted);
      } finally {
        await server.close();
      }
    });
  }
});
