/**
 * Whether a Discourse exists, for the DiscourseBackup webhook (spec.discourse must name
 * one). Read from the API server on each CREATE of a backup, never from a cache: backups
 * are made rarely, and a stale "no" would deny a backup of a forum just created.
 */
import type { KubeConfig } from "@kubernetes/client-node";
import { KubeClient } from "../../reconciler/client/kube-client.js";
import { API_VERSION, KIND } from "../../src/api/constants.js";

/** @returns whether the Discourse `namespace/name` exists; @throws when the API server cannot answer. */
export type DiscourseLookup = (namespace: string, name: string) => Promise<boolean>;

/** A lookup that GETs the Discourse with the webhook's credentials (RBAC: get discourses). */
export function apiDiscourseLookup(kc: KubeConfig): DiscourseLookup {
  const client = new KubeClient(kc);
  return async (namespace, name) => (await client.get({ apiVersion: API_VERSION, kind: KIND, namespace, name })) !== null;
}
