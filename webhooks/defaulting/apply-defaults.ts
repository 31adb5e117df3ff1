/**
 * Defaulting of a Discourse (shared/API.md, "default" column): the static
 * defaults of the schema and the derived ones. Pure: the input is deep-copied,
 * never changed; applying twice gives what applying once gives. The mutating
 * webhook's patch is the diff of the input and the result; the reconciler runs
 * it again on what it reads, for objects that got past a missing webhook.
 *
 * Decisions:
 * - Objects with contract defaults (database, redis, ingress, storage.uploads,
 *   resources, sidekiq) are created when absent, so `kubectl apply
 *   --dry-run=server -o yaml` shows every default. `smtp` stays absent
 *   ("none"); `plugins` and `env` become `[]` when absent, because
 *   DefaultedSpec, which the reconciler's builders consume, has them required
 *   (two short lines in the patch, no meaning changed).
 * - A field of the wrong JSON type is left as it is (validation rejects it).
 * - spec.image in DEFAULT_IMAGE_REPOSITORY with a release tag other than
 *   spec.version is re-derived: a client-side `kubectl apply` keeps fields the
 *   webhook set, and a version bump must move the image with it. Any other
 *   image is an explicit override and kept.
 * - Name-derived defaults need metadata.name; with only generateName they are
 *   left out (metadata.name is then set by the apiserver after mutation) and
 *   the reconciler fills them when it re-defaults.
 */
import {
  DEFAULT_DISCOURSE_VERSION,
  DEFAULT_IMAGE_REPOSITORY,
  DEFAULT_POSTGRES_VERSION,
  DEFAULT_REDIS_VOLUME_SIZE,
} from "../../src/api/constants.js";
import type { DefaultedDiscourse, Discourse } from "../../src/api/types.js";
import { parseReleaseVersion } from "../validation/release-version.js";
import { isRecord } from "../validation/types.js";
import { credentialsSecretNameFor, databaseNameFor, imageFor, tlsSecretNameFor } from "./derived-names.js";
import { isManagedDatabase, isManagedRedis } from "./managed.js";
import { CATEGORY_RESOURCES, fillRequirements, isCategory } from "./resource-defaults.js";
import { recordDefaultedEntries, releaseDefaultedEntries, resourcePaths } from "./follow-category.js";

/** Facts from the cluster that defaulting needs. */
export interface DefaultingFacts {
  /** True when the cluster serves route.openshift.io/v1 (OpenShift). */
  routeApiAvailable: boolean;
  /**
   * The stored object on UPDATE (AdmissionRequest.oldObject): resources
   * defaulted from the old category and left as stored follow a new category
   * (follow-category.ts). Undefined on CREATE, offline and in the reconciler.
   */
  previous?: unknown;
}

type Obj = Record<string, unknown>;

export const DEFAULT_PORTS = { database: 5432, redis: 6379, smtp: 587 } as const;
export const DEFAULT_VOLUME_SIZE = "10Gi";
export const DEFAULT_SECRET_KEY = "password";

/** Sets `target[key]` when it is undefined. */
function fill(target: Obj, key: string, value: unknown): void {
  if (target[key] === undefined && value !== undefined) target[key] = value;
}

/** The object at `target[key]`, created when absent; null when it is not an object. */
function child(target: Obj, key: string): Obj | null {
  if (target[key] === undefined) target[key] = {};
  const value = target[key];
  return isRecord(value) ? value : null;
}

/** Fills `key` of a Secret key selector when the selector is present. */
function fillSecretKey(parent: Obj, selector: string): void {
  const ref = parent[selector];
  if (isRecord(ref)) fill(ref, "key", DEFAULT_SECRET_KEY);
}

function defaultImage(spec: Obj): void {
  const version = spec.version;
  if (typeof version !== "string") return;
  const image = spec.image;
  const prefix = `${DEFAULT_IMAGE_REPOSITORY}:`;
  const followsVersion =
    typeof image === "string" && image.startsWith(prefix) && parseReleaseVersion(image.slice(prefix.length)) !== null;
  if (image === undefined || followsVersion) spec.image = imageFor(version);
}

function defaultDatabase(spec: Obj, name: string): void {
  const db = child(spec, "database");
  if (!db) return;
  fill(db, "port", DEFAULT_PORTS.database);
  if (name) fill(db, "name", databaseNameFor(name));
  fill(db, "user", db.name);
  if (name) fill(db, "credentialsSecret", credentialsSecretNameFor(name));
  fill(db, "sslMode", isManagedDatabase(spec) ? "disable" : "require");
  fill(db, "version", DEFAULT_POSTGRES_VERSION);
  const storage = child(db, "storage");
  if (storage) fill(storage, "size", DEFAULT_VOLUME_SIZE);
}

function defaultServices(spec: Obj, name: string, facts: DefaultingFacts): void {
  const redis = child(spec, "redis");
  if (redis) {
    fill(redis, "port", DEFAULT_PORTS.redis);
    fillSecretKey(redis, "passwordSecret");
    if (isManagedRedis(spec)) {
      const storage = child(redis, "storage");
      if (storage) fill(storage, "size", DEFAULT_REDIS_VOLUME_SIZE);
    }
  }
  if (isRecord(spec.smtp)) {
    fill(spec.smtp, "port", DEFAULT_PORTS.smtp);
    fill(spec.smtp, "enableStartTLS", true);
    fillSecretKey(spec.smtp, "passwordSecret");
  }
  const ingress = child(spec, "ingress");
  if (ingress) {
    fill(ingress, "enabled", true);
    fill(ingress, "kind", facts.routeApiAvailable ? "Route" : "Ingress");
    if (name) fill(ingress, "tlsSecretName", tlsSecretNameFor(name));
  }
}

/** spec.resources from the category, following a category change (follow-category.ts). */
function defaultResources(obj: Obj, spec: Obj, previous: unknown): void {
  const category = spec.category;
  if (!isCategory(category)) return;
  const resources = child(spec, "resources");
  if (!resources) return;
  const kept = releaseDefaultedEntries(obj, previous);
  const before = resourcePaths(spec);
  resources.web = fillRequirements(resources.web, CATEGORY_RESOURCES[category].web);
  resources.sidekiq = fillRequirements(resources.sidekiq, CATEGORY_RESOURCES[category].sidekiq);
  recordDefaultedEntries(obj, kept, before);
}

function defaultStorage(spec: Obj): void {
  const uploads = child(spec, "storage") && child(spec.storage as Obj, "uploads");
  if (uploads) {
    fill(uploads, "size", DEFAULT_VOLUME_SIZE);
    const replicas = spec.replicas;
    fill(uploads, "accessMode", typeof replicas === "number" && replicas > 1 ? "ReadWriteMany" : "ReadWriteOnce");
  }
  const sidekiq = child(spec, "sidekiq");
  if (sidekiq) fill(sidekiq, "replicas", 1);
}

/**
 * Returns a new Discourse with every default of the contract filled in.
 * @param obj - a Discourse as received (any shape; never modified).
 * @param facts - routeApiAvailable decides spec.ingress.kind.
 * @returns a deep copy with defaults; the spec satisfies DefaultedSpec when the
 *   input passes the schema and has a metadata.name. An input without an object
 *   `spec` is returned as a copy, unchanged.
 */
export function applyDefaults(obj: Discourse, facts: DefaultingFacts): DefaultedDiscourse {
  const copy = structuredClone(obj) as unknown as Obj;
  const spec = isRecord(copy) ? copy.spec : undefined;
  if (!isRecord(spec)) return copy as unknown as DefaultedDiscourse;
  const metadata = isRecord(copy.metadata) ? copy.metadata : {};
  const name = typeof metadata.name === "string" ? metadata.name : "";
  fill(spec, "version", DEFAULT_DISCOURSE_VERSION);
  defaultImage(spec);
  fill(spec, "replicas", 1);
  fill(spec, "category", "personal");
  defaultDatabase(spec, name);
  defaultServices(spec, name, facts);
  defaultStorage(spec);
  defaultResources(copy, spec, facts.previous);
  fill(spec, "plugins", []);
  fill(spec, "env", []);
  fill(spec, "deletionPolicy", "Retain");
  fill(spec, "deletionProtection", false);
  fill(spec, "paused", false);
  return copy as unknown as DefaultedDiscourse;
}
