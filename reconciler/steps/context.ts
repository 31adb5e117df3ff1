/** What every reconcile step gets: the API client, the caches, Events and a logger. */
import type { Logger } from "../../src/log.js";
import type { ChildStore } from "../apply/child-store.js";
import type { KubeClient } from "../client/kube-client.js";
import type { EventRecorder } from "../events/event-recorder.js";
import type { ObjectCache } from "../informer/object-cache.js";
import type { SettledChildren } from "./settled-children.js";

export interface ReconcileContext {
  client: KubeClient;
  /** Cache of Discourse objects (the Discourse informer's). */
  discourses: ObjectCache;
  /** Caches of the children, by kind. */
  store: ChildStore;
  events: EventRecorder;
  logger: Logger;
  /** Whether the cluster serves route.openshift.io/v1 (ingress.kind defaults to Route then). */
  routeApiAvailable: boolean;
  /** Cache of DiscourseBackup objects (the backup gates read it; steps/backup-gates.ts). */
  backups?: ObjectCache;
  /** The forums whose children were all found as desired (steps/settled-children.ts); absent: always build and compare. */
  settled?: SettledChildren;
}
