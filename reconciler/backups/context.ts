/** What the backup reconciles get: the API client, the caches, Events, a logger and the queue. */
import type { Logger } from "../../src/log.js";
import type { ChildStore } from "../apply/child-store.js";
import type { KubeClient } from "../client/kube-client.js";
import type { EventRecorder } from "../events/event-recorder.js";
import type { ObjectCache } from "../informer/object-cache.js";

export interface BackupContext {
  client: KubeClient;
  /** Cache of Discourse objects (the main controller's informer). */
  discourses: ObjectCache;
  /** Cache of DiscourseBackup objects. */
  backups: ObjectCache;
  /** Caches of the children (Jobs, claims), by kind. */
  store: ChildStore;
  events: EventRecorder;
  logger: Logger;
  /** Whether the cluster serves route.openshift.io/v1 (for defaulting). */
  routeApiAvailable: boolean;
  /** Asks for a reconcile of a forum's schedule and retention (`namespace/name`). */
  enqueueForum(key: string): void;
  /** Asks for a reconcile of a backup after `delayMs`. */
  enqueueBackupAfter(key: string, delayMs: number): void;
}
