/**
 * The termination message of a finished Job's pod
 * (https://kubernetes.io/docs/tasks/debug/debug-application/determine-reason-pod-failure/):
 * the backup script's summary on success, the tail of its log on failure. Read once, when
 * the Job finished, by listing its pods by the `batch.kubernetes.io/job-name` label the Job
 * controller sets (Kubernetes 1.27+).
 */
import type { KubeClient } from "../client/kube-client.js";
import { time } from "./schedule.js";

interface PodView {
  status?: {
    phase?: string;
    containerStatuses?: Array<{ state?: { terminated?: { message?: string; exitCode?: number } } }>;
  };
  metadata: { creationTimestamp?: unknown };
}

/** @returns the message of the newest pod that terminated with one, or undefined (none, or a node that writes none). */
export async function terminationMessage(client: KubeClient, namespace: string, jobName: string): Promise<string | undefined> {
  const pods = await client.list("v1", "Pod", { namespace, labelSelector: `batch.kubernetes.io/job-name=${jobName}` });
  const messages = (pods.items as unknown as PodView[])
    .sort((a, b) => time(b.metadata.creationTimestamp) - time(a.metadata.creationTimestamp))
    .flatMap((p) => (p.status?.containerStatuses ?? []).map((c) => c.state?.terminated?.message).filter((m): m is string => typeof m === "string" && m !== ""));
  return messages[0];
}
