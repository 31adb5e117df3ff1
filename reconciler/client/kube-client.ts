/**
 * The reconciler's one door to the API server. Objects travel as plain JSON
 * (no typed (de)serialisation that would drop or convert fields), and every
 * write (POST, PUT, PATCH, DELETE) is counted, so "an unchanged forum costs
 * zero write requests" can be measured.
 */
import { apiErrorCode } from "../../src/kube/errors.js";
import { ApiException, HttpMethod, KubernetesObjectApi, PatchStrategy, type KubeConfig } from "@kubernetes/client-node";
import { FIELD_MANAGER } from "../../src/api/constants.js";
import { makeKeepAliveClient } from "../../src/kube/keep-alive.js";
import { resourcePath, resourceType } from "./resources.js";

/** A Kubernetes object as JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    creationTimestamp?: string;
    deletionTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    finalizers?: string[];
    ownerReferences?: OwnerReference[];
  };
  [field: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** Identifies one object. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface ListResult {
  items: KubeObject[];
  resourceVersion: string;
}

/** Called once per write request sent, with the verb and the kind written. */
export type WriteObserver = (method: string, kind: string) => void;

type Query = Record<string, string | undefined>;

class RawApi extends KubernetesObjectApi {
  async send(method: HttpMethod, path: string, query: Query, body?: unknown, contentType?: string): Promise<unknown> {
    const ctx = this.configuration.baseServer.makeRequestContext(path, method);
    ctx.setHeaderParam("Accept", "application/json");
    for (const [k, v] of Object.entries(query)) if (v !== undefined) ctx.setQueryParam(k, v);
    if (body !== undefined) {
      ctx.setHeaderParam("Content-Type", contentType ?? "application/json");
      ctx.setBody(JSON.stringify(body));
    }
    return this.requestPromise(ctx, "any");
  }
}

/** HTTP status of a failed request, or undefined for other errors. */
export function statusCode(err: unknown): number | undefined {
  return apiErrorCode(err);
}

/** A short, secret-free description of a failed request. */
export function describeError(err: unknown): string {
  if (err instanceof ApiException) {
    const body: unknown = err.body;
    const msg = typeof body === "string" ? body : ((body as { message?: string } | undefined)?.message ?? "");
    return `HTTP ${err.code}: ${msg}`.slice(0, 500);
  }
  return err instanceof Error ? err.message : String(err);
}

/** See the file comment. */
export class KubeClient {
  private readonly api: RawApi;

  constructor(kc: KubeConfig, private readonly onWrite: WriteObserver = () => undefined) {
    this.api = makeKeepAliveClient(kc, RawApi);
  }

  /** @returns the object, or null when it does not exist (404). */
  async get(ref: ObjectRef): Promise<KubeObject | null> {
    try {
      return (await this.api.send(HttpMethod.GET, this.path(ref), {})) as KubeObject;
    } catch (err) {
      if (statusCode(err) === 404) return null;
      throw err;
    }
  }

  /** Whether the server serves `groupVersion` (e.g. `route.openshift.io/v1`). */
  async serves(groupVersion: string): Promise<boolean> {
    try {
      await this.api.send(HttpMethod.GET, `/apis/${groupVersion}`, {});
      return true;
    } catch (err) {
      if (statusCode(err) === 404) return false;
      throw err;
    }
  }

  /** One page of a list; `continue` pages on. */
  async list(apiVersion: string, kind: string, query: { namespace?: string; labelSelector?: string; continue?: string; limit?: number }): Promise<ListResult & { continue?: string }> {
    const t = resourceType(apiVersion, kind);
    const res = (await this.api.send(HttpMethod.GET, resourcePath(t, query.namespace), {
      labelSelector: query.labelSelector,
      continue: query.continue,
      limit: query.limit === undefined ? undefined : String(query.limit),
    })) as { items?: KubeObject[]; metadata?: { resourceVersion?: string; continue?: string } };
    const items = (res.items ?? []).map((o) => ({ ...o, apiVersion, kind }));
    return { items, resourceVersion: res.metadata?.resourceVersion ?? "", continue: res.metadata?.continue || undefined };
  }

  /** Server-side apply (field manager discourse-operator, force) of `obj`. @returns the object as stored. */
  async apply(obj: KubeObject, subresource?: string): Promise<KubeObject> {
    return this.write(HttpMethod.PATCH, obj, { fieldManager: FIELD_MANAGER, force: "true" }, obj, PatchStrategy.ServerSideApply, subresource);
  }

  /** JSON merge patch (RFC 7386) of `ref`. */
  async mergePatch(ref: ObjectRef, patch: unknown, subresource?: string): Promise<KubeObject> {
    return this.write(HttpMethod.PATCH, ref, { fieldManager: FIELD_MANAGER }, patch, PatchStrategy.MergePatch, subresource);
  }

  /** JSON patch (RFC 6902) of `ref`; a failing `test` operation throws HTTP 422. */
  async jsonPatch(ref: ObjectRef, ops: unknown[], subresource?: string): Promise<KubeObject> {
    return this.write(HttpMethod.PATCH, ref, { fieldManager: FIELD_MANAGER }, ops, PatchStrategy.JsonPatch, subresource);
  }

  /** POST of a new object. @throws ApiException 409 when it exists. */
  async create(obj: KubeObject): Promise<KubeObject> {
    const t = resourceType(obj.apiVersion, obj.kind);
    this.onWrite("POST", obj.kind);
    return (await this.api.send(HttpMethod.POST, resourcePath(t, obj.metadata.namespace), { fieldManager: FIELD_MANAGER }, obj)) as KubeObject;
  }

  /** PUT of `obj` (optimistic concurrency through metadata.resourceVersion). */
  async replace(obj: KubeObject): Promise<KubeObject> {
    return this.write(HttpMethod.PUT, obj, { fieldManager: FIELD_MANAGER }, obj);
  }

  /**
   * Deletes `ref` in the background; only the object with `uid` when given.
   * @returns false when it was already gone.
   */
  async delete(ref: ObjectRef, uid?: string): Promise<boolean> {
    const body = { apiVersion: "v1", kind: "DeleteOptions", propagationPolicy: "Background", ...(uid ? { preconditions: { uid } } : {}) };
    try {
      await this.write(HttpMethod.DELETE, ref, {}, body);
      return true;
    } catch (err) {
      if (statusCode(err) === 404) return false;
      throw err;
    }
  }

  private async write(method: HttpMethod, ref: ObjectRef | KubeObject, query: Query, body: unknown, contentType?: string, sub?: string): Promise<KubeObject> {
    this.onWrite(method, ref.kind);
    return (await this.api.send(method, this.path(ref, sub), query, body, contentType)) as KubeObject;
  }

  private path(ref: ObjectRef | KubeObject, sub?: string): string {
    const r = "metadata" in ref ? { ...ref, namespace: ref.metadata.namespace, name: ref.metadata.name } : ref;
    return resourcePath(resourceType(r.apiVersion, r.kind), r.namespace, r.name, sub);
  }
}
