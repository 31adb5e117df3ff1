/**
 * Which Discourse events queue a forum's backups reconcile (reconciler/backups/backup-controller.ts):
 * only forums with a schedule or DiscourseBackups, only on a change that reconcile reads, and
 * every forum being deleted. The controller runs with real caches; its reconciles are seen in its
 * debug log lines, and a forum with work fails on a client that refuses every request (the
 * failure is logged too), so no API server is needed to tell which forums were reconciled.
 */
import { expect } from "chai";
import { pino } from "pino";
import { API_VERSION, KIND } from "../../../src/api/constants.js";
import { BACKUP_KIND } from "../../../src/api/backup-constants.js";
import type { ChildStore } from "../../../reconciler/apply/child-store.js";
import { BackupController, hasBackupWork } from "../../../reconciler/backups/backup-controller.js";
import type { KubeClient, KubeObject } from "../../../reconciler/client/kube-client.js";
import type { EventRecorder } from "../../../reconciler/events/event-recorder.js";
import { ObjectCache } from "../../../reconciler/informer/object-cache.js";
import type { DiscourseBackup } from "../../../src/api/types.js";

const NS = "forums";

function forum(name: string, spec: Record<string, unknown> = {}, meta: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: API_VERSION,
    kind: KIND,
    metadata: { name, namespace: NS, uid: `uid-${name}`, generation: 1, resourceVersion: "10", creationTimestamp: "2026-12-01T00:00:00Z", ...meta },
    spec: { hostname: `${name}.example.org`, developerEmails: ["admin@example.org"], ...spec },
  };
}

function backup(name: string, of: string): KubeObject {
  return { apiVersion: API_VERSION, kind: BACKUP_KIND, metadata: { name, namespace: NS, resourceVersion: "20" }, spec: { discourse: of } };
}

const refusing = new Proxy({}, { get: () => () => Promise.reject(new Error("no API server in this test")) }) as unknown as KubeClient;

const store: ChildStore = {
  get: () => undefined,
  owned: () => [],
  withComponent: () => Promise.resolve([]),
  resourceVersion: () => undefined,
  covers: () => true,
  verified: () => false,
  markVerified: () => undefined,
  remember: () => undefined,
};

const events = { record: () => Promise.resolve() } as unknown as EventRecorder;

/** A started controller (no timer tick during the test) and the forum keys its log lines name. */
function controller(discourses: ObjectCache, backups: ObjectCache): { c: BackupController; reconciled: () => string[] } {
  const lines: string[] = [];
  const logger = pino({ level: "debug" }, { write: (s: string) => void lines.push(s) });
  const c = new BackupController({ client: refusing, discourses, backups, store, events, logger, routeApiAvailable: false, tickMs: 3_600_000 });
  const reconciled = (): string[] => {
    const keys = lines.flatMap((l) => {
      const { key } = JSON.parse(l) as { key?: unknown };
      return typeof key === "string" && key.startsWith("forum:") ? [key.slice("forum:".length)] : [];
    });
    return [...new Set(keys)].sort();
  };
  return { c, reconciled };
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

describe("BackupController: which forums it queues", () => {
  it("hasBackupWork: a schedule, or backups of this very forum", () => {
    const none: DiscourseBackup[] = [];
    expect(hasBackupWork(forum("a"), none)).to.equal(false);
    expect(hasBackupWork(forum("a", { backup: { schedule: "0 3 * * *" } }), none)).to.equal(true);
    expect(hasBackupWork(forum("a", { backup: { schedule: "" } }), none)).to.equal(false);
    expect(hasBackupWork(forum("a", { backup: { retention: 3 } }), none)).to.equal(false);
    expect(hasBackupWork(forum("a"), [backup("b-1", "b") as unknown as DiscourseBackup])).to.equal(false);
    expect(hasBackupWork(forum("a"), [backup("a-1", "a") as unknown as DiscourseBackup])).to.equal(true);
  });

  it("at start, queues the forums with a schedule or backups, and none of the others", async () => {
    const discourses = new ObjectCache();
    const backups = new ObjectCache();
    discourses.set(forum("plain"));
    discourses.set(forum("scheduled", { backup: { schedule: "0 3 * * *" } }));
    discourses.set(forum("backed-up"));
    backups.set(backup("backed-up-1", "backed-up"));
    const { c, reconciled } = controller(discourses, backups);
    c.start();
    try {
      await settle();
      expect(reconciled()).to.deep.equal([`${NS}/backed-up`, `${NS}/scheduled`]);
    } finally {
      await c.stop(false);
    }
  });

  it("a status-only update queues nothing; a spec change of a scheduled forum and a deletion do", async () => {
    const discourses = new ObjectCache();
    const backups = new ObjectCache();
    const { c, reconciled } = controller(discourses, backups);
    c.start();
    try {
      const plain = forum("plain");
      const scheduled = forum("scheduled", { backup: { schedule: "0 3 * * *" } });
      // status-only updates (the main controller's writes): same generation, finalizers, labels
      c.onDiscourse("update", { ...plain, status: { phase: "Pending" } }, plain);
      c.onDiscourse("update", { ...scheduled, status: { phase: "Pending" } }, scheduled);
      // a new forum with no backup work
      c.onDiscourse("add", forum("new"));
      await settle();
      expect(reconciled()).to.deep.equal([]);
      // the schedule's forum changes its spec; the plain one is being deleted
      c.onDiscourse("update", forum("scheduled", { backup: { schedule: "0 4 * * *" } }, { generation: 2 }), scheduled);
      c.onDiscourse("update", forum("plain", {}, { deletionTimestamp: "2026-12-03T00:00:00Z" }), plain);
      await settle();
      expect(reconciled()).to.deep.equal([`${NS}/plain`, `${NS}/scheduled`]);
    } finally {
      await c.stop(false);
    }
  });
});
