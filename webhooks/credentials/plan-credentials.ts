/**
 * Deciding whether the mutating webhook must create the database credentials
 * Secret for a request, and with which values (API.md, "Generated credentials").
 * Pure: the Secret is created at the edge by ensure-credentials-secret.ts.
 */
import type { DefaultedDiscourse, Discourse } from "../../src/api/types.js";
import { buildCredentialsSecretAdoption, creationMetadata, type CreationMetadata } from "../../reconciler/builders/credentials-secret.js";
import { applyDefaults } from "../defaulting/apply-defaults.js";
import { validate } from "../validation/validate.js";
import { defaultableObject } from "../admission/process-mutate.js";
import { servesKind } from "../admission/object.js";
import type { AdmissionRequest } from "../admission/types.js";
import type { ClusterFacts } from "../facts/types.js";

/** Everything the credentials Secret holds except the password. */
export interface CredentialsPlan {
  namespace: string;
  /** metadata.name of the Discourse (label app.kubernetes.io/instance). */
  instance: string;
  /** spec.database.credentialsSecret, by default `<name>-db-credentials`. */
  secretName: string;
  username: string;
  /** spec.database.host when external, else the managed Service `<name>-postgresql`. */
  host: string;
  port: number;
  dbname: string;
  sslMode: string;
  /**
   * Labels and annotations of the reconciler's adoption, set at creation when that is safe
   * (reconciler/builders/credentials-secret.ts, creationMetadata); absent or null: only the
   * two labels of API.md, and the reconciler's adoption adds the rest.
   */
  creation?: CreationMetadata | null;
}

/** Name of the Service in front of the managed PostgreSQL of an instance (API.md, children table). */
export function managedDatabaseHost(instance: string): string {
  return `${instance}-postgresql`;
}

/**
 * The plan of a defaulted object in `namespace`, as the webhook makes it on CREATE.
 * @returns null when a field the Secret needs is missing or of the wrong type.
 */
export function planFromDefaulted(d: DefaultedDiscourse, namespace: string): CredentialsPlan | null {
  const instance = d.metadata?.name;
  const db = d.spec?.database;
  if (!instance || !db || typeof db.credentialsSecret !== "string" || typeof db.user !== "string") return null;
  if (typeof db.name !== "string" || typeof db.port !== "number" || typeof db.sslMode !== "string") return null;
  const external = typeof db.host === "string" && db.host !== "";
  // Admission runs before the apiserver assigns a uid; the adoption needs one only for its
  // owner reference, which creationMetadata never lets into a create.
  const identified = { ...d, metadata: { ...d.metadata, namespace, uid: d.metadata.uid || "not-assigned-yet" } };
  return {
    namespace,
    instance,
    secretName: db.credentialsSecret,
    username: db.user,
    host: external ? (db.host as string) : managedDatabaseHost(instance),
    port: db.port,
    dbname: db.name,
    sslMode: db.sslMode,
    creation: creationMetadata(buildCredentialsSecretAdoption(identified)),
  };
}

/**
 * The credentials Secret to create for a request, or null when none must be
 * created: not a CREATE, a dry run (the webhook declares sideEffects
 * NoneOnDryRun), an object the validating rules would deny (no orphan
 * Secret for a rejected object), or no name yet (generateName: the webhook
 * cannot name the Secret; the reconciler generates it from the final name).
 * Whether the Secret exists is not asked here, and never answered from a
 * cache: the caller creates it and takes 409 AlreadyExists as "exists"
 * (ensure-credentials-secret.ts), so an existing Secret is never overwritten.
 *
 * @param request - the mutating webhook's AdmissionRequest.
 * @param facts - the Route API and other hostnames (the rules the plan is checked against).
 */
export function planCredentials(request: AdmissionRequest, facts: ClusterFacts): CredentialsPlan | null {
  if (request.operation !== "CREATE" || request.dryRun === true || !servesKind(request)) return null;
  const object = defaultableObject(request);
  if (!object || typeof request.namespace !== "string" || request.namespace === "") return null;
  try {
    const defaulted = applyDefaults(object as unknown as Discourse, { routeApiAvailable: facts.routeApiAvailable });
    if (validate(defaulted, null, facts, "CREATE").errors.length > 0) return null;
    return planFromDefaulted(defaulted, request.namespace);
  } catch {
    return null;
  }
}
