/**
 * The reconciler's one door to the API server. Objects travel as plain JSON
 * (no typed (de)serialisation that would drop or convert fields), and every
 * write (POST, PUT, PATCH, DELETE) is counted, so "an unchanged forum costs
 * zero write requests" can be measured.
 *
 * Requests go through src/kube/api-transport.ts (plain node:http(s), no
 * @kubernetes/client-node at runtime). Every request has a deadline at which
 * its socket is destroyed. A client built with a `fence` (the leader
 * election's) asks it before every write and sends nothing when this process
 * is no longer the leader; every request of such a client is cancelled when the
 * leadership term it started in ends.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { apiErrorCode } from "../../src/kube/errors.js";
import { FIELD_MANAGER } from "../../src/api/constants.js";
import { ApiTransport, type DeadlineOptions, type Query, type WatchHandler, type WatchOptions } from "../../src/kube/api-transport.js";
import { accessFromKubeConfig, type ClusterAccess } from "../../src/kube/cluster-access.js";
import { allows, UndeclaredCallError, type ApiCall, type Verb } from "./api-calls.js";
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

/** Thrown instead of sending a write when the fence refuses it. */
export class FencedError extends Error {
  constructor(what: string) {
    super(`not sent: ${what} (this process no longer leads)`);
    this.name = "FencedError";
  }
}

/** Leader election's guard on writes (reconciler/leader/leader-elector.ts implements it). */
export interface WriteFence {
  /** Whether a write may be sent now. */
  mayWrite(): boolean;
  /** Aborts when the current leadership term ends (undefined while not leading). */
  termSignal(): AbortSignal | undefined;
}

export interface KubeClientOptions {
  onWrite?: WriteObserver;
  /** Deadline of each request, in milliseconds (default: src/kube/deadline-http.ts). */
  requestTimeoutMs?: number;
  /** When set, writes are sent only while it allows them and requests end with the term. */
  fence?: WriteFence;
  /** When set, every call must be in it (reconciler/client/api-calls.ts); others throw UndeclaredCallError. */
  calls?: readonly ApiCall[];
}

/** Content types of the PATCH strategies (https://kubernetes.io/docs/reference/using-api/api-concepts/#patch-and-apply). */
const PATCH = {
  apply: "application/apply-patch+yaml",
  merge: "application/merge-patch+json",
  json: "application/json-patch+json",
} as const;

/** HTTP status of a failed request, or undefined for other errors. */
export function statusCode(err: unknown): number | undefined {
  return apiErrorCode(err);
}

/** A short, secret-free description of a failed request. */
export function describeError(err: unknown): string {
  if (typeof err === "object" && err !== null && "body" in err && typeof apiErrorCode(err) === "number") {
    const body: unknown = err.body;
    const msg = typeof body === "string" ? body : ((body as { message?: string } | undefined)?.message ?? "");
    return `HTTP ${apiErrorCode(err)}: ${msg}`.slice(0, 500);
  }
  return err instanceof Error ? err.message : String(err);
}

/** See the file comment. */
export class KubeClient {
  private readonly api: ApiTransport;
  private readonly onWrite: WriteObserver;
  private readonly fence: WriteFence | undefined;
  private readonly calls: readonly ApiCall[] | undefined;

  /** @param cluster - a ClusterAccess (src/kube/cluster-access.ts), or a library KubeConfig (tests, the webhook's process). */
  constructor(cluster: ClusterAccess | KubeConfig, opts: KubeClientOptions = {}) {
    this.onWrite = opts.onWrite ?? (() => undefined);
    this.fence = opts.fence;
    this.calls = opts.calls;
    const deadlines: DeadlineOptions = {
      ...(opts.requestTimeoutMs !== undefined ? { timeoutMs: opts.requestTimeoutMs } : {}),
      ...(opts.fence ? { signal: () => opts.fence?.termSignal() } : {}),
    };
    this.api = new ApiTransport("prepare" in cluster ? cluster : accessFromKubeConfig(cluster), deadlines);
  }

  /** @throws UndeclaredCallError when this client has a table of calls and `verb` on the kind is not in it. */
  permit(verb: Verb, apiVersion: string, kind: string, subresource?: string): void {
    if (this.calls && !allows(this.calls, verb, apiVersion, kind, subresource)) throw new UndeclaredCallError(verb, apiVersion, kind, subresource);
  }

  /** @throws FencedError when the fence refuses writes now; else counts the write. */
  private beforeWrite(method: string, kind: string, name: string): void {
    if (this.fence && !this.fence.mayWrite()) throw new FencedError(`${method} ${kind} ${name}`);
    this.onWrite(method, kind);
  }

  /** @returns the object, or null when it does not exist (404). */
  async get(ref: ObjectRef): Promise<KubeObject | null> {
    this.permit("get", ref.apiVersion, ref.kind);
    try {
      return (await this.api.request("GET", this.path(ref), {})) as KubeObject;
    } catch (err) {
      if (statusCode(err) === 404) return null;
      throw err;
    }
  }

  /** Whether the server serves `groupVersion` (e.g. `route.openshift.io/v1`). */
  async serves(groupVersion: string): Promise<boolean> {
    try {
      await this.api.request("GET", `/apis/${groupVersion}`, {});
      return true;
    } catch (err) {
      if (statusCode(err) === 404) return false;
      throw err;
    }
  }

  /**
   * The resources the server serves in `groupVersion` (discovery, `GET /apis/<groupVersion>`):
   * their plural names, subresources as `<plural>/<sub>`. A CRD appears there once Established.
   * @returns an empty list when the group version is not served at all (HTTP 404).
   * @throws the API error of any other failure.
   */
  async servedResources(groupVersion: string): Promise<string[]> {
    try {
      const list = (await this.api.request("GET", `/apis/${groupVersion}`, {})) as { resources?: { name?: string }[] };
      return (list.resources ?? []).flatMap((r) => (r.name ? [r.name] : []));
    } catch (err) {
      if (statusCode(err) === 404) return [];
      throw err;
    }
  }

  /** One page of a list; `continue` pages on. */
  async list(apiVersion: string, kind: string, query: { namespace?: string; labelSelector?: string; continue?: string; limit?: number }): Promise<ListResult & { continue?: string }> {
    this.permit("list", apiVersion, kind);
    const t = resourceType(apiVersion, kind);
    const res = (await this.api.request("GET", resourcePath(t, query.namespace), {
      labelSelector: query.labelSelector,
      continue: query.continue,
      limit: query.limit === undefined ? undefined : String(query.limit),
    })) as { items?: KubeObject[]; metadata?: { resourceVersion?: string; continue?: string } };
    const items = (res.items ?? []).map((o) => ({ ...o, apiVersion, kind }));
    return { items, resourceVersion: res.metadata?.resourceVersion ?? "", continue: res.metadata?.continue || undefined };
  }

  /** Server-side apply (field manager discourse-operator, force) of `obj`. @returns the object as stored. */
  async apply(obj: KubeObject, subresource?: string): Promise<KubeObject> {
    // A server-side apply of an absent object creates it, which is authorized as create too.
    this.permit("patch", obj.apiVersion, obj.kind, subresource);
    if (!subresource) this.permit("create", obj.apiVersion, obj.kind);
    return this.write("PATCH", obj, { fieldManager: FIELD_MANAGER, force: "true" }, obj, PATCH.apply, subresource);
  }

  /** JSON merge patch (RFC 7386) of `ref`. */
  async mergePatch(ref: ObjectRef, patch: unknown, subresource?: string): Promise<KubeObject> {
    this.permit("patch", ref.apiVersion, ref.kind, subresource);
    return this.write("PATCH", ref, { fieldManager: FIELD_MANAGER }, patch, PATCH.merge, subresource);
  }

  /** JSON patch (RFC 6902) of `ref`; a failing `test` operation throws HTTP 422. */
  async jsonPatch(ref: ObjectRef, ops: unknown[], subresource?: string): Promise<KubeObject> {
    this.permit("patch", ref.apiVersion, ref.kind, subresource);
    return this.write("PATCH", ref, { fieldManager: FIELD_MANAGER }, ops, PATCH.json, subresource);
  }

  /** POST of a new object. @throws ApiError 409 when it exists. */
  async create(obj: KubeObject): Promise<KubeObject> {
    this.permit("create", obj.apiVersion, obj.kind);
    const t = resourceType(obj.apiVersion, obj.kind);
    this.beforeWrite("POST", obj.kind, obj.metadata.name);
    return (await this.api.request("POST", resourcePath(t, obj.metadata.namespace), { fieldManager: FIELD_MANAGER }, obj)) as KubeObject;
  }

  /** PUT of `obj` (optimistic concurrency through metadata.resourceVersion). */
  async replace(obj: KubeObject): Promise<KubeObject> {
    this.permit("update", obj.apiVersion, obj.kind);
    return this.write("PUT", obj, { fieldManager: FIELD_MANAGER }, obj);
  }

  /**
   * Deletes `ref` in the background; only the object with `uid` when given.
   * @returns false when it was already gone.
   */
  async delete(ref: ObjectRef, uid?: string): Promise<boolean> {
    this.permit("delete", ref.apiVersion, ref.kind);
    const body = { apiVersion: "v1", kind: "DeleteOptions", propagationPolicy: "Background", ...(uid ? { preconditions: { uid } } : {}) };
    try {
      await this.write("DELETE", ref, {}, body);
      return true;
    } catch (err) {
      if (statusCode(err) === 404) return false;
      throw err;
    }
  }

  /**
   * Watches a collection (see ApiTransport.watch); no deadline, cancelled with the fence's term like every request.
   * @returns a controller whose `abort()` ends the watch.
   */
  watch(path: string, query: Query, onEvent: WatchHandler, onDone: (err?: Error) => void, opts: WatchOptions = {}): Promise<AbortController> {
    return this.api.watch(path, query, onEvent, onDone, opts);
  }

  private async write(method: string, ref: ObjectRef | KubeObject, query: Query, body: unknown, contentType?: string, sub?: string): Promise<KubeObject> {
    this.beforeWrite(method, ref.kind, "metadata" in ref ? ref.metadata.name : ref.name);
    return (await this.api.request(method, this.path(ref, sub), query, body, contentType)) as KubeObject;
  }

  private path(ref: ObjectRef | KubeObject, sub?: string): string {
    const r = "metadata" in ref ? { ...ref, namespace: ref.metadata.namespace, name: ref.metadata.name } : ref;
    return resourcePath(resourceType(r.apiVersion, r.kind), r.namespace, r.name, sub);
  }
}
