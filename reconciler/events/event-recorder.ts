/**
 * Kubernetes Events about a Discourse (core/v1 Event, reportingComponent
 * `discourse-operator`), so `kubectl describe dsc NAME` tells what the
 * reconciler created, corrected, deleted or failed to do. Like client-go's
 * EventRecorder, a repeat of the same event (same object, type, reason and
 * message) within 10 minutes bumps `count` and `lastTimestamp` of the first
 * one instead of creating another.
 * Messages must never hold secret values; callers pass paths, not data.
 */
import { randomBytes } from "node:crypto";
import { MANAGED_BY } from "../../src/api/constants.js";
import type { Logger } from "../../src/log.js";
import { describeError, type KubeClient, type KubeObject } from "../client/kube-client.js";

export type EventType = "Normal" | "Warning";

const REPEAT_WINDOW_MS = 10 * 60_000;

interface Seen {
  name: string;
  namespace: string;
  count: number;
  firstAt: number;
}

/** See the file comment. */
export class EventRecorder {
  private readonly seen = new Map<string, Seen>();
  private readonly host = process.env.HOSTNAME ?? "discourse-operator";

  constructor(private readonly client: KubeClient, private readonly logger: Logger) {}

  /**
   * Records one event about `about`. Never throws: a failed event is logged and dropped.
   * @param reason - CamelCase, e.g. Created, DriftCorrected, Deleted, ApplyFailed, InvalidSpec.
   */
  async record(about: KubeObject, type: EventType, reason: string, message: string): Promise<void> {
    const ns = about.metadata.namespace ?? "default";
    const key = `${about.metadata.uid ?? ""}|${type}|${reason}|${message}`;
    const now = new Date();
    const prev = this.seen.get(key);
    try {
      if (prev && now.getTime() - prev.firstAt < REPEAT_WINDOW_MS) {
        prev.count++;
        await this.client.mergePatch({ apiVersion: "v1", kind: "Event", namespace: prev.namespace, name: prev.name }, { count: prev.count, lastTimestamp: now.toISOString() });
        return;
      }
      const name = `${about.metadata.name}.${randomBytes(8).toString("hex")}`;
      await this.client.create(this.event(about, ns, name, type, reason, message, now));
      this.seen.set(key, { name, namespace: ns, count: 1, firstAt: now.getTime() });
      this.prune(now.getTime());
    } catch (err) {
      this.seen.delete(key);
      this.logger.warn({ reason, err: describeError(err) }, "could not record event");
    }
  }

  private event(about: KubeObject, ns: string, name: string, type: EventType, reason: string, message: string, now: Date): KubeObject {
    const ts = now.toISOString();
    return {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name, namespace: ns },
      involvedObject: {
        apiVersion: about.apiVersion,
        kind: about.kind,
        name: about.metadata.name,
        namespace: ns,
        uid: about.metadata.uid,
        resourceVersion: about.metadata.resourceVersion,
      },
      type,
      reason,
      message: message.slice(0, 1024),
      count: 1,
      firstTimestamp: ts,
      lastTimestamp: ts,
      eventTime: null,
      source: { component: MANAGED_BY },
      reportingComponent: MANAGED_BY,
      reportingInstance: this.host,
      action: reason,
    };
  }

  private prune(now: number): void {
    for (const [k, s] of this.seen) if (now - s.firstAt >= REPEAT_WINDOW_MS) this.seen.delete(k);
  }
}
