/**
 * admission.added_*: what the webhooks add to a request through the apiserver.
 * Server-side dry-run creates (`POST …/discourses?dryRun=All`) of the ROOT
 * forum sample, one after the other, with both webhook configurations
 * registered and with them deleted; the same number of requests in each
 * mode, in rounds whose order rotates (each mode first in a quarter of the rounds) so
 * drifting machine load hits every mode alike. Figures pool every sample of a mode
 * (issue 13 asks for at least 1,000 per side); the detail keeps each round-pair's
 * added p50/p99 and `admission.added_p99_spread_ms` tells how far they spread.
 * Each round first waits until the apiserver's view of the configurations has
 * caught up (the webhook sees 2 requests per create when registered, none when not).
 *
 * A third mode, `noop`, registers the same two configurations at a webhook that
 * parses the review and answers allowed (bench/webhook.ts startBaseline): what two
 * webhook calls cost through this apiserver on this machine, whatever the webhook
 * does. `admission.noop_added_*` is that cost, measured in the same rounds (the
 * modes rotate: registered, unregistered, noop, patching; then unregistered, noop, patching,
 * registered; …), and the operator's own share is added minus noop_added.
 *
 * A fourth, `patching`, is the same no-op answering the mutating call with the operator's
 * own patch (the defaults; bench/webhook-server.ts): `admission.patching_added_*` adds the
 * apiserver's work on the defaulted object (applying the patch, a larger object to decode,
 * validate against the schema and send to the validating call) to the cost of two calls.
 * So added = patching_added (what any webhook filling these defaults costs) + the
 * operator's server and processors, each share measured in the same rounds.
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
  /** The same with a no-op webhook registered instead (see the file comment). */
  "admission.noop_added_p50_ms": number;
  "admission.noop_added_p99_ms": number;
  /** The same with the no-op that returns the operator's patch (see the file comment). */
  "admission.patching_added_p50_ms": number;
  "admission.patching_added_p99_ms": number;
  /** Largest minus smallest added p99 of the round pairs. */
  "admission.added_p99_spread_ms": number;
  "admission.samples_per_side": number;
}

export interface AdmissionDetail {
  registered: { p50_ms: number; p99_ms: number };
  unregistered: { p50_ms: number; p99_ms: number };
  noop: { p50_ms: number; p99_ms: number };
  patching: { p50_ms: number; p99_ms: number };
  requestsPerMode: number;
  /** Per round pair: added p50 and p99 (registered minus unregistered), ms. */
  pairs: Array<{ added_p50_ms: number; added_p99_ms: number }>;
}

type Mode = "registered" | "unregistered" | "noop" | "patching";
const MODES: Mode[] = ["registered", "unregistered", "noop", "patching"];

/** Requests each server gets per dry-run create in `mode`: [operator's webhook, no-op webhook, patching no-op]. */
function expectedPerCreate(mode: Mode): [number, number, number] {
  return mode === "registered" ? [2, 0, 0] : mode === "noop" ? [0, 2, 0] : mode === "patching" ? [0, 0, 2] : [0, 0, 0];
}

function counts(webhook: BenchWebhook): [number, number, number] {
  return [webhook.requests(), webhook.noop.requests(), webhook.patching.requests()];
}

/** Whether the servers got `perCreate` × `creates` requests between `before` and `after`. */
function got(before: number[], after: number[], perCreate: number[], creates: number): boolean {
  return perCreate.every((n, i) => (after[i] ?? 0) - (before[i] ?? 0) === n * creates);
}

async function waitForMode(mode: Mode, create: () => Promise<void>, webhook: BenchWebhook): Promise<void> {
  const deadline = Date.now() + 30_000;
  const perCreate = expectedPerCreate(mode);
  let consecutive = 0;
  while (consecutive < 3) {
    if (Date.now() > deadline) throw new Error(`the apiserver did not pick up the ${mode} webhooks in time`);
    const before = counts(webhook);
    await create();
    const after = counts(webhook);
    consecutive = got(before, after, perCreate, 1) ? consecutive + 1 : 0;
    await sleep(50);
  }
}

async function enter(mode: Mode, webhook: BenchWebhook): Promise<void> {
  if (mode === "registered") await webhook.register();
  else if (mode === "noop") await webhook.noop.register();
  else if (mode === "patching") await webhook.patching.register();
  else await webhook.unregister();
}

/**
 * @param rounds - alternating rounds per mode; `perRound` requests each.
 * @throws Error when a dry run fails or a mode did not hold during its round.
 */
export async function measureAdmission(cluster: BenchCluster, webhook: BenchWebhook, namespace: string, opts: { rounds: number; perRound: number }): Promise<{ figures: AdmissionFigures; detail: AdmissionDetail }> {
  const body = forumObject("forum-dry-run", namespace);
  const path = `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}?dryRun=All&fieldManager=bench`;
  const create = async (): Promise<void> => expectStatus(await cluster.api("POST", path, body), [201], "dry-run create");
  const samples: Record<Mode, number[]> = { registered: [], unregistered: [], noop: [], patching: [] };
  const pairs: AdmissionDetail["pairs"] = [];
  for (let round = 0; round < opts.rounds; round++) {
    const order = MODES.map((_, i) => MODES[(round + i) % MODES.length] as Mode);
    const pair: Record<Mode, number[]> = { registered: [], unregistered: [], noop: [], patching: [] };
    for (const mode of order) {
      await enter(mode, webhook);
      await waitForMode(mode, create, webhook);
      const before = counts(webhook);
      for (let i = 0; i < opts.perRound; i++) {
        const t0 = performance.now();
        await create();
        pair[mode].push(since(t0));
      }
      samples[mode].push(...pair[mode]);
      const after = counts(webhook);
      const perCreate = expectedPerCreate(mode);
      if (!got(before, after, perCreate, opts.perRound)) {
        const sent = after.map((n, i) => n - (before[i] ?? 0)).join(", ");
        throw new Error(`${mode} round: the webhooks got ${sent} requests, expected ${perCreate.map((n) => n * opts.perRound).join(", ")}`);
      }
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
  const noop = stat("noop");
  const patching = stat("patching");
  return {
    figures: {
      "admission.added_p50_ms": registered.p50_ms - unregistered.p50_ms,
      "admission.added_p99_ms": registered.p99_ms - unregistered.p99_ms,
      "admission.noop_added_p50_ms": noop.p50_ms - unregistered.p50_ms,
      "admission.noop_added_p99_ms": noop.p99_ms - unregistered.p99_ms,
      "admission.patching_added_p50_ms": patching.p50_ms - unregistered.p50_ms,
      "admission.patching_added_p99_ms": patching.p99_ms - unregistered.p99_ms,
      "admission.added_p99_spread_ms": Math.max(...pairs.map((p) => p.added_p99_ms)) - Math.min(...pairs.map((p) => p.added_p99_ms)),
      "admission.samples_per_side": samples.registered.length,
    },
    detail: { registered, unregistered, noop, patching, requestsPerMode: samples.registered.length, pairs },
  };
}
