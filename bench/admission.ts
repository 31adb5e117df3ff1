/**
 * admission.added_*: what the webhooks add to a request through the apiserver.
 * Server-side dry-run creates (`POST …/discourses?dryRun=All`) of the ROOT
 * forum sample, one after the other, with both webhook configurations
 * registered and with them deleted; the same number of requests in each
 * mode, in rounds ordered A B B A A B … (each mode first in half the pairs) so
 * drifting machine load hits both alike. Figures pool every sample of a mode
 * (issue 13 asks for at least 1,000 per side); the detail keeps each round-pair's
 * added p50/p99 and `admission.added_p99_spread_ms` tells how far they spread.
 * Each round first waits until the apiserver's view of the configurations has
 * caught up (the webhook sees 2 requests per create when registered, none when not).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { GROUP, PLURAL, VERSION } from "../src/api/constants.js";
import { expectStatus, type BenchCluster } from "./cluster.js";
import { forumObject } from "./forums.js";
import { percentile, since } from "./stats.js";
import type { BenchWebhook } from "./webhook-server.js";

export interface AdmissionFigures {
  "admission.added_p50_ms": number;
  "admission.added_p99_ms": number;
  /** Largest minus smallest added p99 of the round pairs. */
  "admission.added_p99_spread_ms": number;
  "admission.samples_per_side": number;
}

export interface AdmissionDetail {
  registered: { p50_ms: number; p99_ms: number };
  unregistered: { p50_ms: number; p99_ms: number };
  requestsPerMode: number;
  /** Per round pair: added p50 and p99 (registered minus unregistered), ms. */
  pairs: Array<{ added_p50_ms: number; added_p99_ms: number }>;
}

type Mode = "registered" | "unregistered";

async function waitForMode(mode: Mode, create: () => Promise<void>, webhook: BenchWebhook): Promise<void> {
  const deadline = Date.now() + 30_000;
  let consecutive = 0;
  while (consecutive < 3) {
    if (Date.now() > deadline) throw new Error(`the apiserver did not pick up the ${mode} webhooks in time`);
    const before = webhook.requests();
    await create();
    const reached = webhook.requests() - before;
    consecutive = (mode === "registered" ? reached === 2 : reached === 0) ? consecutive + 1 : 0;
    await sleep(50);
  }
}

/**
 * @param rounds - alternating rounds per mode; `perRound` requests each.
 * @throws Error when a dry run fails or a mode did not hold during its round.
 */
export async function measureAdmission(cluster: BenchCluster, webhook: BenchWebhook, namespace: string, opts: { rounds: number; perRound: number }): Promise<{ figures: AdmissionFigures; detail: AdmissionDetail }> {
  const body = forumObject("forum-dry-run", namespace);
  const path = `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}?dryRun=All&fieldManager=bench`;
  const create = async (): Promise<void> => expectStatus(await cluster.api("POST", path, body), [201], "dry-run create");
  const samples: Record<Mode, number[]> = { registered: [], unregistered: [] };
  const pairs: AdmissionDetail["pairs"] = [];
  for (let round = 0; round < opts.rounds; round++) {
    const order: Mode[] = round % 2 === 0 ? ["registered", "unregistered"] : ["unregistered", "registered"];
    const pair: Record<Mode, number[]> = { registered: [], unregistered: [] };
    for (const mode of order) {
      if (mode === "registered") await webhook.register();
      else await webhook.unregister();
      await waitForMode(mode, create, webhook);
      const before = webhook.requests();
      for (let i = 0; i < opts.perRound; i++) {
        const t0 = performance.now();
        await create();
        pair[mode].push(since(t0));
      }
      samples[mode].push(...pair[mode]);
      const reached = webhook.requests() - before;
      const expected = mode === "registered" ? 2 * opts.perRound : 0;
      if (reached !== expected) throw new Error(`${mode} round: the webhook got ${reached} requests, expected ${expected}`);
    }
    const added = (p: number): number => percentile(pair.registered, p) - percentile(pair.unregistered, p);
    pairs.push({ added_p50_ms: added(50), added_p99_ms: added(99) });
  }
  // Leave the apiserver without the configurations, whichever mode ran last: what follows creates forums with the webhook gone.
  await webhook.unregister();
  await waitForMode("unregistered", create, webhook);
  const stat = (m: Mode): { p50_ms: number; p99_ms: number } => ({ p50_ms: percentile(samples[m], 50), p99_ms: percentile(samples[m], 99) });
  const registered = stat("registered");
  const unregistered = stat("unregistered");
  return {
    figures: {
      "admission.added_p50_ms": registered.p50_ms - unregistered.p50_ms,
      "admission.added_p99_ms": registered.p99_ms - unregistered.p99_ms,
      "admission.added_p99_spread_ms": Math.max(...pairs.map((p) => p.added_p99_ms)) - Math.min(...pairs.map((p) => p.added_p99_ms)),
      "admission.samples_per_side": samples.registered.length,
    },
    detail: { registered, unregistered, requestsPerMode: samples.registered.length, pairs },
  };
}
