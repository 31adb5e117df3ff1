/**
 * Installing the operator's cluster-wide objects from code: the CRD (by
 * server-side apply of the raw JSON: the typed client would drop the schema's
 * `x-kubernetes-*` keywords) and the webhook configurations.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { setTimeout as sleep } from "node:timers/promises";
import { KubeClient, type KubeObject } from "../../reconciler/client/kube-client.js";
import { registerWebhooks } from "../../webhooks/configurations/register-webhooks.js";
import type { WebhookEndpoint } from "../../webhooks/configurations/build-configurations.js";
import { discourseBackupCrd } from "../api/backup-crd.js";
import { discourseCrd } from "../api/crd.js";

interface EstablishedProbe {
  status?: { conditions?: Array<{ type: string; status: string }> };
}

/**
 * Applies the CRDs (Discourse, DiscourseBackup) and waits until each is Established.
 * @param timeoutMs - how long to wait for Established (default 30 s).
 * @throws Error on an API error or when a CRD is not Established in time.
 */
export async function installCrd(kc: KubeConfig, timeoutMs = 30_000): Promise<void> {
  const client = new KubeClient(kc);
  const deadline = Date.now() + timeoutMs;
  for (const crd of [discourseCrd(), discourseBackupCrd()] as unknown as KubeObject[]) {
    await client.apply(crd);
    for (;;) {
      const live = (await client.get({ apiVersion: crd.apiVersion, kind: crd.kind, name: crd.metadata.name })) as EstablishedProbe | null;
      if (live?.status?.conditions?.some((c) => c.type === "Established" && c.status === "True")) break;
      if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata.name} not Established after ${timeoutMs} ms`);
      await sleep(100);
    }
  }
}

/** Creates or updates both webhook configurations for `endpoint`, with `caBundlePem`. */
export async function installWebhookConfigurations(kc: KubeConfig, endpoint: WebhookEndpoint, caBundlePem: string): Promise<void> {
  await registerWebhooks(kc, endpoint, caBundlePem);
}
