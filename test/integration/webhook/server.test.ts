/**
 * The HTTPS server called over real TLS: every kind of bad request gets a
 * clear JSON error and the server keeps serving; slow clients are cut off;
 * one log line per request, without object data.
 */
import { expect } from "chai";
import { Writable } from "node:stream";
import { connect } from "node:tls";
import { pino } from "pino";
import { MUTATE_PATH, VALIDATE_PATH } from "../../../src/api/constants.js";
import { defaultCertificateOptions } from "../../../certs/dns-names.js";
import { createCertificateSet } from "../../../certs/generate.js";
import type { CertificateSet } from "../../../certs/types.js";
import { emptyFacts, type FactsSource } from "../../../webhooks/facts/types.js";
import { MAX_BODY_BYTES, MAX_JSON_DEPTH } from "../../../webhooks/server/app.js";
import { startWebhookServer, type WebhookServer } from "../../../webhooks/server/start-webhook-server.js";
import { postJson, send } from "./https-client.js";

const discourse = {
  apiVersion: "discourse.cern/v1alpha1",
  kind: "Discourse",
  metadata: { name: "forum", namespace: "team-a" },
  spec: { hostname: "forum.secret-host.example.org", developerEmails: ["admin-secret@example.org"] },
};
const review = (request: Record<string, unknown>): unknown => ({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request });
const request = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  uid: "3f1e2b2c-0000-4000-8000-000000000001",
  kind: { group: "discourse.cern", version: "v1alpha1", kind: "Discourse" },
  resource: { group: "discourse.cern", version: "v1alpha1", resource: "discourses" },
  name: "forum",
  namespace: "team-a",
  operation: "CREATE",
  object: discourse,
  oldObject: null,
  dryRun: false,
  ...extra,
});

describe("webhook server over HTTPS: bad requests", function () {
  let certs: CertificateSet;
  let server: WebhookServer;
  const lines: string[] = [];
  const facts: FactsSource = { gather: () => Promise.resolve(emptyFacts()) };

  before(async () => {
    certs = await createCertificateSet(defaultCertificateOptions());
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        lines.push(chunk.toString("utf8"));
        cb();
      },
    });
    server = await startWebhookServer({
      tls: certs,
      facts,
      port: 0,
      host: "127.0.0.1",
      logger: pino({ level: "info", base: undefined }, sink),
      timeouts: { headersMs: 400, requestMs: 800, handshakeMs: 800, checkIntervalMs: 100 },
    });
  });
  after(async () => {
    await server?.close();
  });

  const json = { "content-type": "application/json" };
  const cases: Array<{ name: string; path: string; method?: string; body?: string | Buffer; headers?: Record<string, string>; status: number; error: string }> = [
    { name: "not JSON", path: VALIDATE_PATH, body: "{not json", headers: json, status: 400, error: "body is not valid JSON" },
    {
      name: "wrong content type",
      path: VALIDATE_PATH,
      body: JSON.stringify(review(request())),
      headers: { "content-type": "text/plain" },
      status: 400,
      error: "Content-Type must be application/json, got text/plain",
    },
    { name: "no body, no content type", path: MUTATE_PATH, status: 400, error: "Content-Type must be application/json, got none" },
    { name: "a JSON value that is not an object", path: MUTATE_PATH, body: "42", headers: json, status: 400, error: "body must be a JSON object (an AdmissionReview)" },
    {
      name: "not an AdmissionReview",
      path: VALIDATE_PATH,
      body: JSON.stringify(discourse),
      headers: json,
      status: 400,
      error: "expected apiVersion admission.k8s.io/v1 kind AdmissionReview",
    },
    { name: "no uid", path: VALIDATE_PATH, body: JSON.stringify(review(request({ uid: undefined }))), headers: json, status: 400, error: "request.uid is missing" },
    { name: "no request", path: MUTATE_PATH, body: JSON.stringify(review(undefined as never)), headers: json, status: 400, error: "AdmissionReview has no request" },
    {
      name: "a body over 7 MiB",
      path: VALIDATE_PATH,
      body: Buffer.alloc(MAX_BODY_BYTES + 1, 0x20),
      headers: json,
      status: 413,
      error: "body exceeds 7340032 bytes",
    },
    {
      name: "a chunked body over 7 MiB (no Content-Length: cut off while read)",
      path: MUTATE_PATH,
      body: Buffer.alloc(MAX_BODY_BYTES + 1, 0x20),
      headers: { ...json, "transfer-encoding": "chunked" },
      status: 413,
      error: "body exceeds 7340032 bytes",
    },
    { name: "a query string (the apiserver's ?timeout=10s) still reaches the route", path: `${VALIDATE_PATH}?timeout=10s`, body: "{not json", headers: json, status: 400, error: "body is not valid JSON" },
    { name: "an unknown path", path: "/validate-something-else", body: "{}", headers: json, status: 404, error: "no route for POST /validate-something-else" },
    { name: "GET on an admission path", method: "GET", path: VALIDATE_PATH, status: 404, error: `no route for GET ${VALIDATE_PATH}` },
  ];
  for (const c of cases) {
    it(`${c.name}: HTTP ${c.status} with a JSON error, no stack`, async () => {
      const reply = await send(server.port, certs.caBundle, c);
      expect({ status: reply.status, type: reply.headers["content-type"], body: JSON.parse(reply.body) as unknown }).to.deep.equal({
        status: c.status,
        type: "application/json; charset=utf-8",
        body: { error: c.error },
      });
    });
  }

  it("a kind it does not serve: HTTP 200 with an AdmissionReview denial (code 400) naming the kind", async () => {
    const kind = { group: "apps", version: "v1", kind: "Deployment" };
    const reply = await postJson(server.port, certs.caBundle, VALIDATE_PATH, review(request({ kind })));
    expect(reply.status).to.equal(200);
    expect(JSON.parse(reply.body)).to.deep.equal({
      apiVersion: "admission.k8s.io/v1",
      kind: "AdmissionReview",
      response: {
        uid: "3f1e2b2c-0000-4000-8000-000000000001",
        allowed: false,
        status: { code: 400, reason: "BadRequest", message: "this webhook serves discourse.cern Discourse only, not apps/v1 Deployment" },
      },
    });
  });

  it("a client that never finishes its headers is cut off after headersTimeout (408)", async () => {
    const started = Date.now();
    const received = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port: server.port, ca: certs.caBundle, servername: "localhost" }, () => {
        socket.write(`POST ${VALIDATE_PATH} HTTP/1.1\r\nHost: localhost\r\n`);
      });
      let data = "";
      socket.on("data", (d: Buffer) => (data += d.toString("utf8")));
      socket.on("close", () => resolve(data));
      socket.on("error", reject);
    });
    expect(received).to.match(/^HTTP\/1\.1 408 Request Timeout/);
    expect(Date.now() - started).to.be.below(3000);
  });

  it("a client that trickles its body is cut off after requestTimeout", async () => {
    const started = Date.now();
    const received = await new Promise<string>((resolve, reject) => {
      const socket = connect({ host: "127.0.0.1", port: server.port, ca: certs.caBundle, servername: "localhost" }, () => {
        socket.write(`POST ${VALIDATE_PATH} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{`);
      });
      let data = "";
      socket.on("data", (d: Buffer) => (data += d.toString("utf8")));
      socket.on("close", () => resolve(data));
      socket.on("error", reject);
    });
    expect(received).to.match(/^HTTP\/1\.1 408 Request Timeout/);
    expect(Date.now() - started).to.be.below(3000);
  });

  it("a client that opens TCP and never starts TLS is dropped after the handshake timeout", async () => {
    const { createConnection } = await import("node:net");
    const started = Date.now();
    await new Promise<void>((resolve, reject) => {
      const socket = createConnection({ host: "127.0.0.1", port: server.port });
      socket.on("close", () => resolve());
      socket.on("error", reject);
    });
    expect(Date.now() - started).to.be.below(3000);
  });

  it("still serves after all that: a valid CREATE is allowed with its uid, /healthz and /readyz answer ok", async () => {
    const reply = await postJson(server.port, certs.caBundle, VALIDATE_PATH, review(request()));
    const body = JSON.parse(reply.body) as { response: { uid: string; allowed: boolean } };
    expect([reply.status, body.response.uid, body.response.allowed]).to.deep.equal([200, "3f1e2b2c-0000-4000-8000-000000000001", true]);
    for (const path of ["/healthz", "/readyz"]) {
      const r = await send(server.port, certs.caBundle, { method: "GET", path });
      expect([r.status, r.body]).to.deep.equal([200, "ok"]);
    }
  });

  it("/metrics counts requests by path and outcome", async () => {
    const reply = await send(server.port, certs.caBundle, { method: "GET", path: "/metrics" });
    expect(reply.status).to.equal(200);
    expect(reply.body).to.include(`discourse_webhook_requests_total{path="${VALIDATE_PATH}",outcome="allowed"} 1`);
    expect(reply.body).to.include(`discourse_webhook_requests_total{path="${VALIDATE_PATH}",outcome="denied"} 1`);
    expect(reply.body).to.include(`discourse_webhook_request_duration_seconds_count{path="${VALIDATE_PATH}",outcome="allowed"} 1`);
  });

  it("logs one line per admission with uid, operation, namespace/name, allowed, duration, and no object data", () => {
    const admissions = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === "admission");
    expect(admissions.map(({ durationMs: _d, time: _t, level: _l, ...rest }) => rest)).to.deep.equal([
      {
        msg: "admission",
        component: "webhook",
        path: VALIDATE_PATH,
        uid: "3f1e2b2c-0000-4000-8000-000000000001",
        operation: "CREATE",
        resource: "team-a/forum",
        allowed: false,
        code: 400,
        patched: false,
        warnings: 0,
        trustedCaller: false,
      },
      {
        msg: "admission",
        component: "webhook",
        path: VALIDATE_PATH,
        uid: "3f1e2b2c-0000-4000-8000-000000000001",
        operation: "CREATE",
        resource: "team-a/forum",
        allowed: true,
        patched: false,
        warnings: 0,
        trustedCaller: false,
      },
    ]);
    expect(admissions.every((l) => typeof l.durationMs === "number")).to.equal(true);
    const all = lines.join("");
    expect(all).to.not.include("secret-host");
    expect(all).to.not.include("admin-secret@");
    expect(all).to.not.match(/\n\s+at /);
  });
});

describe("webhook server over HTTPS: hostile bodies get 4xx, never 500; metrics labels stay bounded", function () {
  this.timeout(30_000);
  let certs: CertificateSet;
  let server: WebhookServer;
  const facts: FactsSource = { gather: () => Promise.resolve(emptyFacts()) };
  const json = { "content-type": "application/json" };

  before(async () => {
    certs = await createCertificateSet(defaultCertificateOptions());
    server = await startWebhookServer({ tls: certs, facts, port: 0, host: "127.0.0.1", logger: pino({ level: "silent" }) });
  });
  after(async () => server?.close());

  const nested = (depth: number): string => `${"[".repeat(depth)}${"]".repeat(depth)}`;
  const cases: Array<{ name: string; path: string; body: string; status: number; error: string }> = [
    {
      name: "request.kind.group that is not a string",
      path: VALIDATE_PATH,
      body: JSON.stringify(review(request({ kind: { group: { toString: 1 }, version: "v1", kind: "Discourse" } }))),
      status: 400,
      error: "request.kind.group must be a string",
    },
    {
      name: "request.name that is an object",
      path: MUTATE_PATH,
      body: JSON.stringify(review(request({ name: { toString: "x" } }))),
      status: 400,
      error: "request.name must be a string",
    },
    {
      name: `nesting deeper than ${MAX_JSON_DEPTH} levels (100 000 brackets)`,
      path: VALIDATE_PATH,
      body: nested(100_000),
      status: 400,
      error: `body nests deeper than ${MAX_JSON_DEPTH} levels`,
    },
    {
      name: "deep nesting inside the object",
      path: MUTATE_PATH,
      body: JSON.stringify(review(request({ object: { ...discourse, spec: { ...discourse.spec, env: JSON.parse(nested(MAX_JSON_DEPTH)) as unknown } } }))),
      status: 400,
      error: `body nests deeper than ${MAX_JSON_DEPTH} levels`,
    },
    { name: "an upper-case path", path: VALIDATE_PATH.toUpperCase(), body: "{}", status: 404, error: `no route for POST ${VALIDATE_PATH.toUpperCase()}` },
    { name: "a trailing slash", path: `${VALIDATE_PATH}/`, body: "{}", status: 404, error: `no route for POST ${VALIDATE_PATH}/` },
  ];
  for (const c of cases) {
    it(`${c.name}: HTTP ${c.status}`, async () => {
      const reply = await send(server.port, certs.caBundle, { path: c.path, body: c.body, headers: json });
      expect({ status: reply.status, body: JSON.parse(reply.body) as unknown }).to.deep.equal({ status: c.status, body: { error: c.error } });
    });
  }

  it("a huge array in the object is answered, not failed", async () => {
    const object = { ...discourse, spec: { ...discourse.spec, developerEmails: new Array<string>(200_000).fill("a@example.org") } };
    const reply = await postJson(server.port, certs.caBundle, VALIDATE_PATH, review(request({ object })));
    const body = JSON.parse(reply.body) as { response: { allowed: boolean; status: { code: number } } };
    expect([reply.status, body.response.allowed, body.response.status.code]).to.deep.equal([200, false, 422]);
    expect((body.response.status as { details?: { causes?: unknown[] } }).details?.causes).to.have.length(100);
  });

  it("the largest valid UPDATE review (two objects near the apiserver's 3 MiB request limit) is admitted", async () => {
    const big = (tag: string): Record<string, unknown> => ({
      ...discourse,
      metadata: { ...discourse.metadata, annotations: { "example.org/blob": tag.repeat(Math.floor(2.9 * 1024 * 1024)) } },
    });
    const body = JSON.stringify(review(request({ operation: "UPDATE", object: big("a"), oldObject: big("b") })));
    expect(body.length).to.be.above(5.8 * 1024 * 1024);
    const reply = await send(server.port, certs.caBundle, { path: MUTATE_PATH, body, headers: json });
    expect([reply.status, (JSON.parse(reply.body) as { response: { allowed: boolean } }).response.allowed]).to.deep.equal([200, true]);
  });

  it("metrics carry route names only: no series for /VALIDATE…, trailing slashes or unknown paths", async () => {
    await send(server.port, certs.caBundle, { path: "/validate-discourse-cern-v1alpha1-discourse-x", body: "{", headers: json });
    const reply = await send(server.port, certs.caBundle, { method: "GET", path: "/metrics" });
    const paths = new Set([...reply.body.matchAll(/discourse_webhook_requests_total\{path="([^"]*)"/g)].map((m) => m[1]));
    expect([...paths].sort()).to.deep.equal([MUTATE_PATH, VALIDATE_PATH].sort());
    expect(reply.body).to.include(`discourse_webhook_requests_total{path="${VALIDATE_PATH}",outcome="bad_request"} 2`);
  });
});
