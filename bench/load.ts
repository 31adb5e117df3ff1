/**
 * One autocannon run in a child process (so the load generator never shares
 * the event loop of the server under test): HTTPS keep-alive POSTs of one
 * body, `connections` at a time, for `durationS` seconds.
 */
import { execFile } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "../src/envtest/binaries.js";

export interface LoadResult {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  requests: number;
  /** Answers that were not 2xx, plus connection errors and timeouts. */
  failures: number;
}

interface AutocannonJson {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

const AUTOCANNON = join(REPO_ROOT, "node_modules", "autocannon", "autocannon.js");

/**
 * @param url - https URL (the certificate is not checked: autocannon connects with rejectUnauthorized false).
 * @param bodyPath - where the body is written for autocannon's `-i`.
 * @throws Error when autocannon fails or every request failed.
 */
export async function runLoad(url: string, body: string, bodyPath: string, opts: { connections: number; durationS: number }): Promise<LoadResult> {
  writeFileSync(bodyPath, body);
  const args = [AUTOCANNON, "-j", "-c", String(opts.connections), "-d", String(opts.durationS), "-m", "POST", "-H", "content-type=application/json", "-i", bodyPath, url];
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 }, (err, out, errOut) => (err ? reject(new Error(`autocannon failed: ${errOut || err.message}`)) : resolve(out)));
  });
  const r = JSON.parse(stdout) as AutocannonJson;
  const failures = r.non2xx + r.errors + r.timeouts;
  if (r.requests.total === 0 || failures >= r.requests.total) throw new Error(`every request to ${url} failed`);
  return { rps: r.requests.average, p50_ms: r.latency.p50, p99_ms: r.latency.p99, requests: r.requests.total, failures };
}
