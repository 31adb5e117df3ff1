/**
 * reconcile.*: convergence of N forums by the operator against a floor, the
 * same objects written by a plain parallel client with no operator.
 *
 * Both runs, each in a fresh namespace: the N credentials Secrets are created
 * first (as the mutating webhook would on CREATE) and are outside the timing;
 * a ChildWatcher watches every owned kind; the clock starts when the first
 * Discourse is sent and stops at the watch event after which every expected
 * child (buildAll's non-null entries but the patchIfExists ones) of every
 * forum exists.
 * - converge: the operator (a child process) is running and synced; the N
 *   Discourse objects are created, FORUM_CONCURRENCY at a time.
 * - floor: per forum, the Discourse is created, then its children (from
 *   buildAll, with the stored uid in their ownerReference, so the garbage
 *   collector keeps them) are server-side applied all at once, the same
 *   request the operator sends; FORUM_CONCURRENCY forums at a time.
 */
import type { DefaultedDiscourse, Discourse } from "../src/api/types.js";
import type { DesiredChild } from "../reconciler/builders/index.js";
import { GROUP, PLURAL, VERSION } from "../src/api/constants.js";
import { resourcePath, resourceType } from "../reconciler/client/resources.js";
import { ChildWatcher } from "./child-watcher.js";
import { expectStatus, type BenchCluster } from "./cluster.js";
import { childKey, createdChildren, credentialsSecret, defaulted, forumName, forumObject } from "./forums.js";
import { runPool } from "./pool.js";

/** Forums written at the same time, in both runs. */
export const FORUM_CONCURRENCY = 16;

export interface Forum {
  raw: Discourse;
  defaulted: DefaultedDiscourse;
}

/** The N forums of `namespace`, and the keys of every child they must get. */
export function planForums(n: number, namespace: string): { forums: Forum[]; keys: string[] } {
  const forums = Array.from({ length: n }, (_, i) => {
    const raw = forumObject(forumName(i), namespace);
    return { raw, defaulted: defaulted(raw) };
  });
  // The names do not depend on the owner's uid; a placeholder lets the builders run.
  const planned = (d: DefaultedDiscourse): DefaultedDiscourse => ({ ...d, metadata: { ...d.metadata, uid: "planned" } });
  const keys = forums.flatMap((f) => createdChildren(planned(f.defaulted)).map((c) => childKey(c.kind, c.name)));
  return { forums, keys };
}

/** Creates the credentials Secrets of `forums` (not timed). */
export async function createSecrets(cluster: BenchCluster, namespace: string, forums: Forum[]): Promise<void> {
  await runPool(forums, FORUM_CONCURRENCY, async (f) => {
    const res = await cluster.api("POST", `/api/v1/namespaces/${namespace}/secrets`, credentialsSecret(f.defaulted));
    expectStatus(res, [201], `creating the credentials Secret of ${f.raw.metadata.name}`);
  });
}

const discoursesPath = (namespace: string): string => `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${PLURAL}?fieldManager=bench`;

async function createDiscourse(cluster: BenchCluster, namespace: string, f: Forum): Promise<{ uid: string; resourceVersion: string }> {
  const res = await cluster.api("POST", discoursesPath(namespace), f.raw);
  expectStatus(res, [201], `creating Discourse ${f.raw.metadata.name}`);
  const meta = (res.body as { metadata: { uid: string; resourceVersion: string } }).metadata;
  return { uid: meta.uid, resourceVersion: meta.resourceVersion };
}

/**
 * Times the operator's convergence; the operator must be running and synced, watching `namespace`.
 * @returns seconds.
 */
export async function measureConverge(cluster: BenchCluster, namespace: string, forums: Forum[], keys: string[], timeoutMs: number): Promise<number> {
  const watcher = await ChildWatcher.start(cluster.kc, namespace);
  try {
    const t0 = performance.now();
    const done = watcher.waitForAll(keys, timeoutMs);
    await runPool(forums, FORUM_CONCURRENCY, async (f) => void (await createDiscourse(cluster, namespace, f)));
    return ((await done) - t0) / 1000;
  } finally {
    watcher.stop();
  }
}

/** Server-side applies `c` into `namespace` as field manager `bench` (the request the operator sends for a child). @throws Error on any other answer than 200 or 201. */
export async function applyChild(cluster: BenchCluster, namespace: string, c: DesiredChild): Promise<void> {
  const path = `${resourcePath(resourceType(c.apiVersion, c.kind), namespace, c.name)}?fieldManager=bench&force=true`;
  expectStatus(await cluster.api("PATCH", path, c.object, "application/apply-patch+yaml"), [200, 201], `applying ${c.kind} ${c.name}`);
}

/** Times the floor: no operator, the same objects from a plain parallel client. @returns seconds. */
export async function measureFloor(cluster: BenchCluster, namespace: string, forums: Forum[], keys: string[], timeoutMs: number): Promise<number> {
  const watcher = await ChildWatcher.start(cluster.kc, namespace);
  try {
    const t0 = performance.now();
    const done = watcher.waitForAll(keys, timeoutMs);
    await runPool(forums, FORUM_CONCURRENCY, async (f) => {
      const { uid } = await createDiscourse(cluster, namespace, f);
      const owned = { ...f.defaulted, metadata: { ...f.defaulted.metadata, uid } };
      await Promise.all(createdChildren(owned).map((c) => applyChild(cluster, namespace, c)));
    });
    return ((await done) - t0) / 1000;
  } finally {
    watcher.stop();
  }
}
