/**
 * admission.added_*: what the webhooks add to a request through the apiserver.
 * Server-side dry-run creates (`POST …/discourses?dryRun=All`) of the ROOT
 * forum sample, one after the other, with both webhook configurations
 * registered and with them deleted; the same number of requests in each
 * mode, in alternating rounds so drifting machine load hits both alike.
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
}

export interface AdmissionDetail {
  registered: { p50_ms: number; p99_ms: number };
  unregistered: { p50_ms: number; p99_ms: number };
  requestsPerMode: number;
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
  for (let round = 0; round < opts.rounds; round++) {
    for (const mode of ["registered", "unregistered"] as const) {
      if (mode === "registered") await webhook.register();
      else await webhook.unregister();
      await waitForMode(mode, create, webhook);
      const before = webhook.requests();
      for (let i = 0; i < opts.perRound; i++) {
        const t0 = performance.now();
        await create();
        samples[mode].push(since(t0));
      }
      const reached = webhook.requests() - before;
      const expected = mode === "registered" ? 2 * opts.perRound : 0;
      if (reached !== expected) throw new Error(`${mode} round: the webhook got ${reached} requests, expected ${expected}`);
    }
  }
  const stat = (m: Mode): { p50_ms: number; p99_ms: number } => ({ p50_ms: percentile(samples[m], 50), p99_ms: percentile(samples[m], 99) });
  const registered = stat("registered");
  const unregistered = stat("unregistered");
  return {
    figures: {
      "admission.added_p50_ms": registered.p50_ms - unregistered.p50_ms,
      "admission.added_p99_ms": registered.p99_ms - unregistered.p99_ms,
    },
    detail: { registered, unregistered, requestsPerMode: samples.registered.length },
  };
}
