/**
 * Reading a Secret's metadata, never its data: a GET with
 * `Accept: application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1`
 * makes the apiserver answer a `PartialObjectMetadata` (name, labels,
 * annotations, owner references) without `data` or `stringData`
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#receiving-resources-as-tables
 * and "Retrieving metadata only"). RBAC cannot tell such a GET from a full one
 * (the verb is `get` either way), so the webhook's role still grants `get` on
 * Secrets; what this file guarantees is that the webhook never asks for, and
 * never receives, a Secret's data.
 */
import { HttpMethod, KubernetesObjectApi, type KubeConfig } from "@kubernetes/client-node";
import { makeKeepAliveClient } from "../../src/kube/keep-alive.js";

/** The Accept header of a metadata-only read. */
export const PARTIAL_OBJECT_METADATA_ACCEPT = "application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1";

/** What the rules may know of a Secret: that it exists, and its labels. */
export interface SecretMetadata {
  labels: Record<string, string>;
}

/** Reads one Secret's metadata; rejects with the client's ApiException (code 404 when absent). */
export interface SecretMetadataReader {
  readSecretMetadata(param: { namespace: string; name: string }): Promise<{ metadata?: { labels?: Record<string, string> } }>;
}

/** The reader of a live cluster: one keep-alive client, metadata-only GETs. */
export class SecretMetadataApi extends KubernetesObjectApi implements SecretMetadataReader {
  static fromKubeConfig(kc: KubeConfig): SecretMetadataApi {
    return makeKeepAliveClient(kc, SecretMetadataApi);
  }

  /** @inheritdoc */
  async readSecretMetadata({ namespace, name }: { namespace: string; name: string }): Promise<{ metadata?: { labels?: Record<string, string> } }> {
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}`;
    const ctx = this.configuration.baseServer.makeRequestContext(path, HttpMethod.GET);
    ctx.setHeaderParam("Accept", PARTIAL_OBJECT_METADATA_ACCEPT);
    const body: unknown = await this.requestPromise(ctx, "any");
    return body as { metadata?: { labels?: Record<string, string> } };
  }
}
