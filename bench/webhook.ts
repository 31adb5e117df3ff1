/**
 * webhook.*: throughput and latency of the operator's HTTPS webhook server
 * against a bare node:https server in the same process that parses the same
 * body and answers allowed. The body is a realistic AdmissionReview of a full
 * Discourse (the ROOT forum sample): CREATE, not a dry run. The validating
 * path gets the object after defaulting (what the apiserver sends it); the
 * mutating path gets it as the user wrote it. Each webhook request gathers its
 * facts from the real local apiserver (it lists every Discourse and reads the
 * referenced Secrets), as it does in a cluster.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, request, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { MUTATE_PATH, VALIDATE_PATH } from "../src/api/constants.js";
import type { Discourse } from "../src/api/types.js";
import { REPO_ROOT } from "../src/envtest/binaries.js";
import { defaulted, forumObject } from "./forums.js";
import { runLoad, type LoadResult } from "./load.js";
import type { BenchWebhook } from "./webhook-server.js";

export interface WebhookFigures {
  "webhook.validate.rps": number;
  "webhook.validate.p50_ms": number;
  "webhook.validate.p99_ms": number;
  "webhook.mutate.rps": number;
  "webhook.mutate.p50_ms": number;
  "webhook.mutate.p99_ms": number;
  "webhook.baseline.rps": number;
  "webhook.ratio": number;
}

const FIXTURE = join(REPO_ROOT, "test", "fixtures", "admission", "create-minimal.json");

/** An AdmissionReview of CREATE `object` in its namespace, shaped like the recorded fixture. */
export function admissionReview(object: Discourse): string {
  const review = JSON.parse(readFileSync(FIXTURE, "utf8")) as { request: Record<string, unknown> };
  review.request.uid = randomUUID();
  review.request.name = object.metadata.name;
  review.request.namespace = object.metadata.namespace;
  review.request.object = object;
  review.request.dryRun = false;
  return JSON.stringify(review);
}

/**
 * The baseline: node:https, same certificate, reads and parses the body, answers allowed.
 * @param patchFor - when given, a request to the mutating path is answered with the JSONPatch
 *   (base64) it returns for the request (bench/admission.ts: the no-op that patches as the
 *   operator does); it is called once per distinct object text, outside of later requests.
 */
export async function startBaseline(tls: { cert: string; key: string }, patchFor?: (request: unknown) => string | undefined): Promise<Server> {
  const patches = new Map<string, string | undefined>();
  const patchOf = (url: string | undefined, request: { object?: unknown } | undefined): string | undefined => {
    if (!patchFor || !(url ?? "").startsWith(MUTATE_PATH)) return undefined;
    const key = JSON.stringify(request?.object ?? null);
    if (!patches.has(key)) patches.set(key, patchFor(request));
    return patches.get(key);
  };
  const server = createServer({ cert: tls.cert, key: tls.key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const review = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { request?: { uid?: string; object?: unknown } };
      const patch = patchOf(req.url, review.request);
      const response = { uid: review.request?.uid ?? "", allowed: true, ...(patch ? { patchType: "JSONPatch", patch } : {}) };
      const body = JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", response });
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) }).end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return server;
}

/** One POST (certificate checked against `ca`); @returns the AdmissionReview response. */
function postOnce(port: number, path: string, body: string, ca: string): Promise<{ allowed?: boolean; patch?: string; status?: { message?: string } }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method: "POST", ca, headers: { "content-type": "application/json" } }, (res) => {
      let text = "";
      res.on("data", (c: Buffer) => (text += c.toString("utf8")));
      res.on("end", () => resolve((JSON.parse(text) as { response: { allowed?: boolean } }).response));
    });
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * Checks that both paths allow the bodies (a denial would measure the wrong
 * path), then runs autocannon against the baseline, validate and mutate.
 */
export async function measureWebhook(webhook: BenchWebhook, namespace: string, opts: { durationS: number; connections: number; scratchDir: string }): Promise<WebhookFigures> {
  const raw = forumObject("forum-webhook-bench", namespace);
  const validateBody = admissionReview(defaulted(raw));
  const mutateBody = admissionReview(raw);
  const port = webhook.running.port;
  const ca = webhook.running.certificates().caBundle;
  for (const [path, body] of [[VALIDATE_PATH, validateBody], [MUTATE_PATH, mutateBody]] as const) {
    const answer = await postOnce(port, path, body, ca);
    if (answer.allowed !== true) throw new Error(`${path} denied the benchmark body: ${answer.status?.message ?? ""}`);
  }
  const baseline = await startBaseline(webhook.running.certificates());
  const basePort = (baseline.address() as AddressInfo).port;
  const run = (p: number, path: string, body: string, name: string, durationS = opts.durationS): Promise<LoadResult> =>
    runLoad(`https://127.0.0.1:${p}${path}`, body, join(opts.scratchDir, `${name}.json`), { connections: opts.connections, durationS });
  try {
    await run(basePort, VALIDATE_PATH, validateBody, "warmup", 2);
    await run(port, VALIDATE_PATH, validateBody, "warmup", 2);
    const base = await run(basePort, VALIDATE_PATH, validateBody, "baseline");
    const validate = await run(port, VALIDATE_PATH, validateBody, "validate");
    const mutate = await run(port, MUTATE_PATH, mutateBody, "mutate");
    for (const [name, r] of Object.entries({ base, validate, mutate })) {
      if (r.failures > 0) throw new Error(`${name}: ${r.failures} of ${r.requests} requests failed`);
    }
    return {
      "webhook.validate.rps": validate.rps,
      "webhook.validate.p50_ms": validate.p50_ms,
      "webhook.validate.p99_ms": validate.p99_ms,
      "webhook.mutate.rps": mutate.rps,
      "webhook.mutate.p50_ms": mutate.p50_ms,
      "webhook.mutate.p99_ms": mutate.p99_ms,
      "webhook.baseline.rps": base.rps,
      "webhook.ratio": validate.rps / base.rps,
    };
  } finally {
    await new Promise<void>((resolve) => baseline.close(() => resolve()));
  }
}
