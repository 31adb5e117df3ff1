/**
 * Names fixed by the API contract (shared/API.md). Everything that the
 * webhooks, the reconciler, the manifests and the tests must agree on lives here.
 */

/** API group of the original CERN operator. */
export const GROUP = "discourse.cern";
/** The only served and stored version. */
export const VERSION = "v1alpha1";
export const API_VERSION = `${GROUP}/${VERSION}`;
export const KIND = "Discourse";
export const PLURAL = "discourses";
export const SINGULAR = "discourse";
export const SHORT_NAME = "dsc";
export const CRD_NAME = `${PLURAL}.${GROUP}`;

/**
 * The Discourse release the operator runs when `spec.version` is left out: 2026.1.1, a patch
 * of the 2026.1 Extended Support Release. discourse_docker
 * `.github/workflows/push-web-only.yml` builds the web-only image every day from the `latest`
 * and `esr` branches of discourse/discourse and tags it `discourse/discourse:<version>`, the
 * version being `Discourse::VERSION::STRING` of that branch (discourse `lib/version.rb`);
 * the workflow has pushed the `esr` branch since February 2026 (discourse_docker 68bd7a4),
 * and 2026.1.1 was the ESR patch from 2026-02-26, so that tag was published.
 */
export const DEFAULT_DISCOURSE_VERSION = "2026.1.1";
/**
 * Image repository the image is derived from: `<repository>:<version>` (the web-only image
 * discourse_docker's push-web-only workflow publishes as `discourse/discourse`).
 */
export const DEFAULT_IMAGE_REPOSITORY = "docker.io/discourse/discourse";
/** Managed PostgreSQL major version when `spec.database.version` is left out. */
export const DEFAULT_POSTGRES_VERSION = "17";
export const POSTGRES_VERSIONS = ["15", "16", "17", "18"] as const;
/**
 * The managed PostgreSQL image: pgvector's image, the official postgres image of one major
 * with the extension `vector` built in (pgvector `Dockerfile`: `FROM postgres:$PG_MAJOR-…`;
 * `README.md` "Docker": tags `<pgvector version>-pg<major>`, published for 13 to 18).
 */
export const PGVECTOR_IMAGE_REPOSITORY = "docker.io/pgvector/pgvector";
export const PGVECTOR_VERSION = "0.8.6";
/** Size of the managed Redis data volume when `spec.redis.storage.size` is left out. */
export const DEFAULT_REDIS_VOLUME_SIZE = "1Gi";
/** Floating tags that `spec.version` rejects: they do not name one release. */
export const FLOATING_TAGS = ["latest", "stable", "beta", "esr", "tests-passed"] as const;

/** Annotation that lets `spec.version` go down on UPDATE. */
export const ALLOW_DOWNGRADE_ANNOTATION = `${GROUP}/allow-downgrade`;
/** Finalizer the reconciler holds while it releases or deletes children. */
export const FINALIZER = `${GROUP}/finalizer`;
/** Field manager for server-side apply. */
export const FIELD_MANAGER = "discourse-operator";

/** Recommended labels (https://kubernetes.io/docs/concepts/overview/working-with-objects/common-labels/). */
export const LABEL_NAME = "app.kubernetes.io/name";
export const LABEL_INSTANCE = "app.kubernetes.io/instance";
export const LABEL_COMPONENT = "app.kubernetes.io/component";
export const LABEL_MANAGED_BY = "app.kubernetes.io/managed-by";
export const MANAGED_BY = "discourse-operator";
/** Set on children that `deletionPolicy: Retain` released from their deleted owner. */
export const LABEL_RETAINED = `${GROUP}/retained`;

/** Admission contract. */
export const VALIDATING_WEBHOOK_NAME = "validate.discourse.cern";
export const MUTATING_WEBHOOK_NAME = "default.discourse.cern";
export const VALIDATE_PATH = "/validate-discourse-cern-v1alpha1-discourse";
export const MUTATE_PATH = "/mutate-discourse-cern-v1alpha1-discourse";
export const WEBHOOK_PORT = 9443;
/** Names of the webhook configuration objects. */
export const VALIDATING_CONFIGURATION_NAME = "discourse-operator-validating";
export const MUTATING_CONFIGURATION_NAME = "discourse-operator-mutating";
/** Namespace and Service the operator is installed into by manifests/. */
export const OPERATOR_NAMESPACE = "discourse-operator-system";
export const WEBHOOK_SERVICE_NAME = "discourse-operator-webhook";

/** Condition types reported in status.conditions. */
export const CONDITION_TYPES = ["Ready", "Progressing", "Degraded", "DatabaseReady", "Paused"] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];
/** Values of status.phase. */
export const PHASES = ["Pending", "Provisioning", "Running", "Upgrading", "Degraded", "Paused"] as const;
export type Phase = (typeof PHASES)[number];
