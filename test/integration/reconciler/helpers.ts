/**
 * Shared pieces of the reconciler's integration tests: sample forums, a
 * reconciler with captured log lines, polling, and reads through the API.
 */
import { pino } from "pino";
import { Writable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { env, kubectl } from "../../hooks/control-plane.js";
import { startReconciler, type ReconcilerHandle, type ReconcilerOptions } from "../../../reconciler/controller.js";
import { KubeClient, type KubeObject } from "../../../reconciler/client/kube-client.js";
import { waitFor } from "../../hooks/wait.js";

export interface Forum {
  name: string;
  spec: Record<string, unknown>;
}

/** The three sample forums of the issue. */
export const SAMPLE_FORUMS: Forum[] = [
  { name: "root-forum", spec: { hostname: "root-forum.web.cern.ch", category: "official", replicas: 3, developerEmails: ["root-admin@cern.ch"] } },
  { name: "marketplace", spec: { hostname: "marketplace.web.cern.ch", developerEmails: ["market@cern.ch"] } },
  { name: "eos-community", spec: { hostname: "eos-community.web.cern.ch", category: "test", replicas: 2, developerEmails: ["eos@cern.ch", "eos-ops@cern.ch"] } },
];

export function discourseManifest(ns: string, f: Forum): Record<string, unknown> {
  return { apiVersion: "discourse.cern/v1alpha1", kind: "Discourse", metadata: { name: f.name, namespace: ns }, spec: f.spec };
}

/** The Secret the mutating webhook would create (the webhook is not installed in these tests). */
export function credentialsSecret(ns: string, name: string): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Secret",
    type: "kubernetes.io/basic-auth",
    metadata: { name: `${name}-db-credentials`, namespace: ns, labels: { "app.kubernetes.io/managed-by": "discourse-operator", "app.kubernetes.io/instance": name } },
    stringData: { username: name.replace(/-/g, "_"), password: "x".repeat(32) },
  };
}

/** `kubectl apply -f -` of the objects; throws on failure. */
export async function apply(...objs: Record<string, unknown>[]): Promise<void> {
  const r = await kubectl(["apply", "-f", "-"], { input: objs.map((o) => JSON.stringify(o)).join("\n") });
  if (r.code !== 0) throw new Error(`kubectl apply failed: ${r.stderr}`);
}

export async function kubectlOk(args: string[]): Promise<string> {
  const r = await kubectl(args);
  if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")} failed: ${r.stderr}`);
  return r.stdout;
}

/** A client for reads in assertions (its writes are not the reconciler's). */
export function reader(): KubeClient {
  return new KubeClient(env().kc);
}

export async function getObj(apiVersion: string, kind: string, namespace: string, name: string): Promise<KubeObject | null> {
  return reader().get({ apiVersion, kind, namespace, name });
}

export { waitFor };

export interface Running {
  handle: ReconcilerHandle;
  /** Every log line, parsed. */
  lines: Record<string, unknown>[];
  messages(): string[];
}

/** Starts a reconciler on one namespace with its logs captured; waits until its caches are synced. */
export async function runReconciler(namespace: string, opts: Partial<ReconcilerOptions> = {}): Promise<Running> {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split("\n")) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  const logger = pino({ level: "info", base: undefined }, sink);
  const handle = await startReconciler({ kc: env().kc, namespace, logger, resyncPeriodMs: 3_600_000, ...opts });
  await handle.ready;
  return { handle, lines, messages: () => lines.map((l) => String(l.msg)) };
}

/** Waits until no reconcile ran for `quietMs`. */
export async function settle(r: Running, quietMs = 1500, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let seen = r.lines.length;
  let since = Date.now();
  while (Date.now() < deadline) {
    await sleep(100);
    if (r.lines.length !== seen) {
      seen = r.lines.length;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) return;
  }
  throw new Error("reconciler did not settle");
}

/** `status.phase` of a Discourse, or undefined. */
export function phaseOf(o: KubeObject | null | undefined): string | undefined {
  return (o?.status as { phase?: string } | undefined)?.phase;
}

/**
 * Waits until the Discourse `name` reports `phase` for its current generation (on the
 * simulated nodes a new forum reaches Running once its migrations ran and its pods are
 * ready). @returns the Discourse.
 */
export async function waitForPhase(ns: string, name: string, phase: string, timeoutMs = 60_000): Promise<KubeObject> {
  return waitFor(`${name} phase ${phase}`, async () => {
    const o = await getObj("discourse.cern/v1alpha1", "Discourse", ns, name);
    const s = o?.status as { phase?: string; observedGeneration?: number } | undefined;
    return s?.phase === phase && s.observedGeneration === o?.metadata.generation ? o : null;
  }, timeoutMs, 200);
}
