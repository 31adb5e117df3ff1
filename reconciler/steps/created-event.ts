/**
 * The one `Created` Event of a reconcile: everything the reconcile created (the
 * Secrets of steps/secrets.ts, then the children of steps/apply-children.ts, in that
 * order) named in one message, `created Secret f-app-secrets (generated
 * secret_key_base), ConfigMap f-env, …`. Each creation keeps its own log line.
 */
import type { KubeObject } from "../client/kube-client.js";
import type { EventRecorder } from "../events/event-recorder.js";

/**
 * Records the Created Event naming `created` (`KIND NAME`, or with a reason in
 * parentheses) and empties the list, so that a later call cannot record them again;
 * records nothing for an empty list. Never throws (EventRecorder.record only queues).
 */
export async function recordCreated(events: EventRecorder, owner: KubeObject, created: string[]): Promise<void> {
  const names = created.splice(0);
  if (names.length > 0) await events.record(owner, "Normal", "Created", `created ${names.join(", ")}`);
}
