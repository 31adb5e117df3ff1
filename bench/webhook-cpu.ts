/**
 * The webhook's own cost, without a cluster: the operator's HTTPS server
 * (startWebhookServer: express, body limits, depth check, caller policy,
 * processors, log line, metrics) with facts answered from memory, against the
 * bare node:https baseline of bench/webhook.ts, both under autocannon in a
 * child process. Prints requests per second and latencies; writes nothing.
 * Run with `node --cpu-prof --import tsx bench/webhook-cpu.ts` to see where the
 * time goes. `npm run bench` measures the same server against a real apiserver.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { MUTATE_PATH, VALIDATE_PATH } from "../src/api/constants.js";
import { defaultCertificateOptions } from "../certs/dns-names.js";
import { createCertificateSet } from "../certs/generate.js";
import { emptyFacts, type FactsSource } from "../webhooks/facts/types.js";
import { startWebhookServer } from "../webhooks/server/start-webhook-server.js";
import { admissionReview, startBaseline } from "./webhook.js";
import { defaulted, forumObject } from "./forums.js";
import { runLoad } from "./load.js";

const durationS = Number(process.env.BENCH_DURATION ?? 5);
const scratch = mkdtempSync(join(tmpdir(), "webhook-cpu-"));
const tls = await createCertificateSet(defaultCertificateOptions());
const facts: FactsSource = { gather: () => Promise.resolve(emptyFacts({ existingSecrets: new Set(["forum-webhook-bench-db-credentials"]) })) };
const logger = pino({ level: "info", base: undefined }, pino.destination({ dest: join(scratch, "webhook.log"), sync: false }));
const server = await startWebhookServer({ tls, facts, port: 0, host: "127.0.0.1", logger, callers: { mode: "trusted-network" } });
const baseline = await startBaseline(tls);
const basePort = (baseline.address() as { port: number }).port;
const raw = forumObject("forum-webhook-bench", "bench");
const bodies = { [VALIDATE_PATH]: admissionReview(defaulted(raw)), [MUTATE_PATH]: admissionReview(raw) };
const run = (port: number, path: string, name: string, d = durationS) => runLoad(`https://127.0.0.1:${port}${path}`, bodies[path as keyof typeof bodies], join(scratch, `${name}.json`), { connections: 10, durationS: d });
// BENCH_ONLY=validate (or mutate, baseline) runs one of the three, for a profile of that path alone.
const only = process.env.BENCH_ONLY;
const want = (name: string): boolean => only === undefined || only === name;
await run(server.port, VALIDATE_PATH, "warmup", 2);
const results = {
  ...(want("baseline") ? { baseline: await run(basePort, VALIDATE_PATH, "baseline") } : {}),
  ...(want("validate") ? { validate: await run(server.port, VALIDATE_PATH, "validate") } : {}),
  ...(want("mutate") ? { mutate: await run(server.port, MUTATE_PATH, "mutate") } : {}),
};
for (const [name, r] of Object.entries(results)) console.log(`${name.padEnd(9)} ${r.rps.toFixed(0).padStart(6)} rps  p50 ${r.p50_ms} ms  p99 ${r.p99_ms} ms  failures ${r.failures}`);
const { baseline: b, validate: v, mutate: m } = results as Partial<Record<string, { rps: number }>>;
if (b && v && m) console.log(`ratio validate/baseline ${(v.rps / b.rps).toFixed(3)}, mutate/baseline ${(m.rps / b.rps).toFixed(3)}`);
await server.close();
baseline.close();
