/**
 * The backup controller: a second small controller in the reconciler process, with its own
 * work queue, fed by the informer on DiscourseBackup objects and by the main controller's
 * informers (Discourse, Job, PersistentVolumeClaim). Keys are `backup:<ns>/<name>` (one
 * DiscourseBackup: reconcile-backup.ts) and `forum:<ns>/<name>` (one forum's schedule,
 * retention and volume: reconcile-forum-backups.ts). A timer looks, in memory, every
 * `tickMs` for forums with a Scheduled backup due or more completed backups than they keep,
 * and only those are queued. It runs only while its process leads (start/stop follow the
 * main controller's workers).
 */
import { LABEL_COMPONENT } from "../../src/api/constants.js";
import type { Logger } from "../../src/log.js";
import { DEFAULT_BACKUP_RETENTION } from "../../src/api/backup-constants.js";
import type { DiscourseBackup, DiscourseSpec } from "../../src/api/types.js";
import { BACKUP_ANNOTATION } from "../builders/backup-names.js";
import { COMPONENTS } from "../builders/metadata.js";
import { describeError, type KubeObject } from "../client/kube-client.js";
import type { InformerEvent } from "../informer/informer.js";
import { objectKey } from "../informer/object-cache.js";
import { discourseChanged } from "../informer/owner-key.js";
import { WorkQueue } from "../queue/work-queue.js";
import type { BackupContext } from "./context.js";
import { reconcileBackup } from "./reconcile-backup.js";
import { reconcileForumBackups } from "./reconcile-forum-backups.js";
import { backupsBeyondRetention, backupsOf, dueScheduledBackup } from "./schedule.js";

/** How often schedules and retention are looked at, in milliseconds. Defaults to 10 s (schedules have minutes). */
export const DEFAULT_TICK_MS = 10_000;
const BACKUP = "backup:";
const FORUM = "forum:";

export type BackupDeps = Omit<BackupContext, "enqueueForum" | "enqueueBackupAfter" | "logger"> & {
  logger: Logger;
  tickMs?: number;
  concurrency?: number;
  /** Whether this process handles the forum `namespace/name` (its shard); all when absent. */
  ownsForum?: (key: string) => boolean;
};

/**
 * Whether the backups reconcile of `forum` (reconcile-forum-backups.ts) may have anything to
 * do: it has a `backup.schedule`, or DiscourseBackups of it exist in `backups` (retention,
 * the backups volume they need). Without either, that reconcile reads the forum, defaults it
 * and returns, writing nothing; defaulting adds no schedule (apply-defaults.ts). An upgrade's
 * backup is the main reconcile's (steps/backup-gates.ts), not this one's.
 * @param backups - the DiscourseBackups of the forum's namespace, as the cache holds them.
 */
export function hasBackupWork(forum: KubeObject, backups: readonly DiscourseBackup[]): boolean {
  const schedule = (forum.spec as DiscourseSpec | undefined)?.backup?.schedule;
  return (typeof schedule === "string" && schedule !== "") || backupsOf(forum.metadata.name, backups).length > 0;
}

export class BackupController {
  private queue: WorkQueue | null = null;
  private timer: NodeJS.Timeout | undefined;
  private readonly log: Logger;

  constructor(private readonly deps: BackupDeps) {
    this.log = deps.logger.child({ controller: "backups" });
  }

  private owns(key: string): boolean {
    return this.deps.ownsForum?.(key) ?? true;
  }

  /** The DiscourseBackups of `namespace` the cache holds. */
  private backupsIn(namespace: string | undefined): DiscourseBackup[] {
    return this.deps.backups.list(namespace) as unknown as DiscourseBackup[];
  }

  private addForum(key: string): void {
    if (this.owns(key)) this.queue?.add(FORUM + key);
  }

  private context(): BackupContext {
    return {
      ...this.deps,
      logger: this.log,
      enqueueForum: (key) => this.addForum(key),
      enqueueBackupAfter: (key, ms) => this.queue?.addAfter(BACKUP + key, ms),
    };
  }

  /** Handler for the DiscourseBackup informer. */
  onBackup = (event: InformerEvent, obj: KubeObject, old?: KubeObject): void => {
    const ns = obj.metadata.namespace;
    this.queue?.add(BACKUP + objectKey(ns, obj.metadata.name));
    const forum = (obj as unknown as DiscourseBackup).spec?.discourse;
    const phase = (o?: KubeObject): unknown => (o?.status as { phase?: unknown } | undefined)?.phase;
    if (forum && (event !== "update" || phase(obj) !== phase(old))) this.addForum(objectKey(ns, forum));
  };

  /**
   * Handler for the Discourse informer: its schedule, and backups waiting for its deletion.
   * A forum is queued only when its backups reconcile may have something to do (see
   * `hasBackupWork`) and the event changed what that reconcile reads: the status writes of
   * the main controller, several per new forum, queue nothing here.
   */
  onDiscourse = (event: InformerEvent, obj: KubeObject, old?: KubeObject): void => {
    const ns = obj.metadata.namespace;
    const gone = event === "delete" || obj.metadata.deletionTimestamp !== undefined;
    if (gone) this.enqueueDeletingBackups(ns, obj.metadata.name);
    if (event === "update" && !gone && !discourseChanged(obj, old)) return;
    if (gone || hasBackupWork(obj, this.backupsIn(ns))) this.addForum(objectKey(ns, obj.metadata.name));
  };

  /**
   * Handler for the Job informer: a backup or cleanup Job changed, or a restore Job that
   * holds its backup's deletion and retention (backups-in-use.ts) did.
   */
  onJob = (_event: InformerEvent, obj: KubeObject): void => {
    const backup = obj.metadata.annotations?.[BACKUP_ANNOTATION];
    const component = obj.metadata.labels?.[LABEL_COMPONENT];
    if (!backup) return;
    if (component === COMPONENTS.backup || component === COMPONENTS.backupCleanup) this.queue?.add(BACKUP + objectKey(obj.metadata.namespace, backup));
    if (component === COMPONENTS.restore) {
      this.queue?.add(BACKUP + objectKey(obj.metadata.namespace, backup));
      const forum = (this.deps.backups.get(obj.metadata.namespace ?? "", backup) as unknown as DiscourseBackup | undefined)?.spec?.discourse;
      if (forum) this.addForum(objectKey(obj.metadata.namespace, forum));
    }
  };

  /** Handler for the claim informer: the backups volume going lets deletions finish. */
  onClaim = (_event: InformerEvent, obj: KubeObject): void => {
    if (obj.metadata.labels?.[LABEL_COMPONENT] !== COMPONENTS.backup) return;
    const forum = obj.metadata.name.replace(/-backups$/, "");
    this.enqueueDeletingBackups(obj.metadata.namespace, forum);
    this.addForum(objectKey(obj.metadata.namespace, forum));
  };

  private enqueueDeletingBackups(namespace: string | undefined, forum: string): void {
    for (const b of backupsOf(forum, this.backupsIn(namespace))) {
      this.queue?.add(BACKUP + objectKey(namespace, b.metadata.name ?? ""));
    }
  }

  /** Queues every backup, and every forum with backup work (`hasBackupWork`) or being deleted (start, resync). */
  resync(): void {
    for (const b of this.deps.backups.list()) this.queue?.add(BACKUP + objectKey(b.metadata.namespace, b.metadata.name));
    for (const d of this.deps.discourses.list()) {
      if (d.metadata.deletionTimestamp || hasBackupWork(d, this.backupsIn(d.metadata.namespace))) this.addForum(objectKey(d.metadata.namespace, d.metadata.name));
    }
  }

  /** Queues the forums with a Scheduled backup due or too many completed backups (in memory, no request). */
  tick(now: Date = new Date()): void {
    for (const d of this.deps.discourses.list()) {
      if (d.metadata.deletionTimestamp || !this.owns(objectKey(d.metadata.namespace, d.metadata.name))) continue;
      const spec = (d.spec ?? {}) as DiscourseSpec;
      const backups = backupsOf(d.metadata.name, this.backupsIn(d.metadata.namespace));
      const due = dueScheduledBackup(d.metadata.name, spec.backup?.schedule, d.metadata.creationTimestamp, backups, now);
      // A backup beyond retention queues the forum; its reconcile keeps one a restore reads (reconcile-forum-backups.ts).
      if (due || backupsBeyondRetention(backups, spec.backup?.retention ?? DEFAULT_BACKUP_RETENTION).length > 0) {
        this.addForum(objectKey(d.metadata.namespace, d.metadata.name));
      }
    }
  }

  start(): void {
    const queue = new WorkQueue({
      concurrency: this.deps.concurrency ?? 2,
      onError: (key, err, retryInMs) => this.log.warn({ key, retryInMs, err: describeError(err) }, "backup reconcile failed: retrying"),
    });
    this.queue = queue;
    queue.start((key) => this.handle(key));
    this.resync();
    this.timer = setInterval(() => this.tick(), this.deps.tickMs ?? DEFAULT_TICK_MS);
    this.timer.unref();
  }

  async stop(drain: boolean): Promise<void> {
    clearInterval(this.timer);
    const q = this.queue;
    this.queue = null;
    await q?.shutdown(drain);
  }

  private async handle(key: string): Promise<void> {
    const ctx = this.context();
    if (key.startsWith(BACKUP)) {
      const outcome = await reconcileBackup(ctx, key.slice(BACKUP.length));
      this.log.debug({ key, outcome }, `backup reconcile of ${key}: ${outcome}`);
    } else if (key.startsWith(FORUM)) {
      const outcome = await reconcileForumBackups(ctx, key.slice(FORUM.length));
      this.log.debug({ key, outcome }, `forum backups reconcile of ${key}: ${outcome}`);
    }
  }
}
