/**
 * The one definition of the Discourse API (shared/API.md). From it come the
 * CRD's OpenAPI v3 schema (src/api/crd.ts), the ajv validator
 * (src/api/ajv.ts), the TypeScript types (src/api/types.ts) and the field
 * reference (docs/reference.md, src/api/reference.ts).
 *
 * Conventions: every field has a description (what `kubectl explain` prints);
 * a defaulted field's description ends with "Defaults to <value>." or says how
 * the default is derived, because `kubectl explain` does not print defaults.
 * `default` is set only for static defaults; derived defaults are filled by the
 * mutating webhook (webhooks/defaulting) and again by the reconciler.
 */
import {
  Type,
  type TBoolean,
  type TInteger,
  type TObject,
  type TOptional,
  type TProperties,
  type TRecord,
  type TString,
  type TUnion,
} from "@sinclair/typebox";
import {
  DEFAULT_DISCOURSE_VERSION,
  DEFAULT_IMAGE_REPOSITORY,
  DEFAULT_POSTGRES_VERSION,
  DEFAULT_REDIS_VOLUME_SIZE,
  PGVECTOR_IMAGE_REPOSITORY,
  PGVECTOR_VERSION,
  POSTGRES_VERSIONS,
  PHASES,
} from "./constants.js";
import { DEFAULT_BACKUP_RETENTION, DEFAULT_BACKUP_STORAGE_SIZE } from "./backup-constants.js";

/** DNS-1123 subdomain with at least one dot (a fully qualified host name). */
export const HOSTNAME_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+$";
/**
 * A concrete release as discourse `lib/version.rb` writes `Discourse::VERSION::STRING`:
 * `MAJOR.MINOR.TINY`, before November 2025 with an optional `.betaN` (its VERSION_REGEXP),
 * then an optional `-suffix` (its DEV part, e.g. `2026.3.0-latest` on the latest branch):
 * 3.4.2, 3.5.0.beta1, 2026.1.1, 2026.3.0-latest.
 */
export const VERSION_PATTERN = "^[0-9]+\\.[0-9]+\\.[0-9]+(\\.beta[0-9]+)?(-[0-9A-Za-z][0-9A-Za-z.-]*)?$";
/**
 * Longest spec.version accepted by the schema. The form of a release is
 * checked by the validating webhook (webhooks/validation/rules/version.ts), not
 * by a CRD pattern, so that a floating tag is answered in words.
 */
export const MAX_VERSION_LENGTH = 64;
/** Unquoted PostgreSQL identifier (https://www.postgresql.org/docs/current/sql-syntax-lexical.html). */
export const PG_IDENTIFIER_PATTERN = "^[a-z_][a-z0-9_$]*$";
/** Kubernetes resource.Quantity, as the apiserver parses it. */
export const QUANTITY_PATTERN =
  "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";
/** DNS-1123 subdomain: names of Secrets and other objects. */
export const OBJECT_NAME_PATTERN = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
/** Environment variable name (C identifier). */
export const ENV_NAME_PATTERN = "^[A-Za-z_][A-Za-z0-9_]*$";

const immutable = (what: string): Record<string, unknown> => ({
  "x-kubernetes-validations": [{ rule: "self == oldSelf", message: `${what} is immutable` }],
});

/** An int-or-string Kubernetes quantity such as `10Gi` or `500m`. */
/** Static type of a quantity node (the factories below keep their static types for src/api/types.ts). */
type TQuantity = TUnion<[TInteger, TString]>;

const Quantity = (description: string, extra: Record<string, unknown> = {}): TQuantity =>
  Type.Union([Type.Integer(), Type.String({ pattern: QUANTITY_PATTERN })], {
    "x-kubernetes-int-or-string": true,
    description,
    ...extra,
  });

const ObjectName = (description: string): TString =>
  Type.String({ minLength: 1, maxLength: 253, pattern: OBJECT_NAME_PATTERN, description });

/** A reference to one key of a Secret in the Discourse's namespace. */
export const SecretKeySelector = (
  description: string,
  defaultKey: string,
): TObject<{ name: TString; key: TOptional<TString> }> =>
  Type.Object(
    {
      name: ObjectName("Name of the Secret, in the namespace of the Discourse."),
      key: Type.Optional(Type.String({
        minLength: 1,
        maxLength: 253,
        default: defaultKey,
        description: `Key in the Secret. Defaults to ${defaultKey}.`,
      })),
    },
    { description },
  );

const ResourceList = (description: string): TRecord<TString, TQuantity> =>
  Type.Record(Type.String(), Quantity("A resource quantity."), { description });

const ResourceRequirements = (
  component: string,
): TObject<{ requests: TOptional<TRecord<TString, TQuantity>>; limits: TOptional<TRecord<TString, TQuantity>> }> =>
  Type.Object(
    {
      requests: Type.Optional(ResourceList("Minimum resources, e.g. cpu: 500m, memory: 1Gi.")),
      limits: Type.Optional(ResourceList("Maximum resources; every request must be at most its limit.")),
    },
    {
      description:
        `Compute resources of the ${component} containers ` +
        "(https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/). " +
        "Defaults by spec.category: personal requests 250m CPU and 1Gi memory (limit 2Gi), " +
        "test 500m/1536Mi (limit 3Gi), official 1 CPU/2Gi (limit 2 CPU/4Gi); sidekiq gets half the memory. " +
        "A defaulted value follows later changes of spec.category until you set it (the defaulted entries are " +
        "listed in the annotation discourse.cern/defaulted-resources). Resource names: cpu, memory, " +
        "ephemeral-storage, hugepages-<size> or a domain-prefixed extended resource; quantities not negative.",
    },
  );

const Storage = <T extends TProperties = Record<never, never>>(
  what: string,
  extra: T = {} as T,
): TObject<{ size: TOptional<TQuantity>; storageClassName: TOptional<TString> } & T> =>
  Type.Object(
    {
      size: Type.Optional(Quantity(`Requested size of the ${what} volume; may grow, never shrink. Defaults to 10Gi.`, {
        default: "10Gi",
      })),
      storageClassName: Type.Optional(
        Type.String({
          minLength: 1,
          description: `StorageClass of the ${what} volume; immutable. Defaults to the cluster's default StorageClass.`,
          ...immutable("storageClassName"),
        }),
      ),
      ...extra,
    },
    { description: `The ${what} volume.` },
  );

export const DatabaseSpec = Type.Object(
  {
    host: Type.Optional(
      Type.String({
        description:
          "Host name or IP address of an external PostgreSQL server (no scheme, port or path). Empty: the operator runs a PostgreSQL StatefulSet for this " +
          "instance (managed). Switching between managed and external is rejected. Defaults to empty (managed).",
      }),
    ),
    port: Type.Optional(Type.Integer({
      minimum: 1,
      maximum: 65535,
      default: 5432,
      description: "PostgreSQL port (DISCOURSE_DB_PORT). Defaults to 5432.",
    })),
    name: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 63,
        pattern: PG_IDENTIFIER_PATTERN,
        description:
          "Database name (DISCOURSE_DB_NAME), a PostgreSQL identifier; immutable. " +
          "Defaults to metadata.name with '-' turned into '_'.",
        ...immutable("database name"),
      }),
    ),
    user: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 63,
        pattern: PG_IDENTIFIER_PATTERN,
        description:
          "Database role (DISCOURSE_DB_USERNAME), a PostgreSQL identifier; immutable. Defaults to spec.database.name.",
        ...immutable("database user"),
      }),
    ),
    credentialsSecret: Type.Optional(
      ObjectName(
        "Secret (kubernetes.io/basic-auth) with keys username, password, host, port, dbname and uri; " +
          "generated when missing; immutable while the database is managed; never a Secret the operator made " +
          "for another forum. Defaults to <metadata.name>-db-credentials.",
      ),
    ),
    adminSecret: Type.Optional(
      ObjectName(
        "External database only: a Secret with username and password of a role that may create roles and " +
          "databases; when set, a db-init Job creates the role, the database and the extensions. Defaults to empty.",
      ),
    ),
    sslMode: Type.Optional(
      Type.Union([Type.Literal("disable"), Type.Literal("require"), Type.Literal("verify-full")], {
        description:
          "libpq sslmode for the connection. Defaults to disable when the database is managed, require when external.",
      }),
    ),
    version: Type.Optional(Type.String({
      enum: [...POSTGRES_VERSIONS],
      default: DEFAULT_POSTGRES_VERSION,
      description:
        "Managed database only: PostgreSQL major version, 15 to 18; immutable while managed (a major upgrade goes " +
        `through a backup and a restore). Defaults to ${DEFAULT_POSTGRES_VERSION}.`,
    })),
    image: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 512,
        description:
          "Managed database only: the PostgreSQL image, e.g. a mirror. It must be an image of spec.database.version " +
          "that brings the pgvector extension `vector` (Discourse creates it in a migration). " +
          `Defaults to ${PGVECTOR_IMAGE_REPOSITORY}:${PGVECTOR_VERSION}-pg<spec.database.version>.`,
      }),
    ),
    storage: Type.Optional(Storage("managed database")),
  },
  { description: "The PostgreSQL database of the forum." },
);

export const RedisSpec = Type.Object(
  {
    host: Type.Optional(
      Type.String({
        description: "Host of an external Redis (DISCOURSE_REDIS_HOST). Empty: the operator runs Redis. Defaults to empty.",
      }),
    ),
    port: Type.Optional(Type.Integer({
      minimum: 1,
      maximum: 65535,
      default: 6379,
      description: "Redis port (DISCOURSE_REDIS_PORT). Defaults to 6379.",
    })),
    passwordSecret: Type.Optional(SecretKeySelector("Secret key holding the Redis password (DISCOURSE_REDIS_PASSWORD).", "password")),
    storage: Type.Optional(
      Type.Object(
        {
          size: Type.Optional(
            Quantity(
              "Managed Redis only: requested size of the Redis data volume (queued Sidekiq jobs); " +
                `may grow, never shrink. Defaults to ${DEFAULT_REDIS_VOLUME_SIZE}.`,
              { default: DEFAULT_REDIS_VOLUME_SIZE },
            ),
          ),
        },
        { description: "The managed Redis data volume." },
      ),
    ),
  },
  { description: "The Redis the forum uses for caching and Sidekiq queues." },
);

export const SmtpSpec = Type.Object(
  {
    host: Type.String({ minLength: 1, description: "SMTP server (DISCOURSE_SMTP_ADDRESS); required when smtp is set." }),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, default: 587, description: "SMTP port (DISCOURSE_SMTP_PORT). Defaults to 587." })),
    user: Type.Optional(Type.String({ description: "SMTP user name (DISCOURSE_SMTP_USER_NAME)." })),
    passwordSecret: Type.Optional(SecretKeySelector("Secret key holding the SMTP password (DISCOURSE_SMTP_PASSWORD).", "password")),
    enableStartTLS: Type.Optional(Type.Boolean({
      default: true,
      description: "Use STARTTLS (DISCOURSE_SMTP_ENABLE_START_TLS). Defaults to true.",
    })),
    domain: Type.Optional(Type.String({ description: "HELO domain (DISCOURSE_SMTP_DOMAIN)." })),
    fromAddress: Type.Optional(
      Type.String({ format: "email", description: "Sender address of notifications (DISCOURSE_NOTIFICATION_EMAIL)." }),
    ),
  },
  { description: "Outgoing e-mail. Defaults to none (no e-mail is sent)." },
);

export const IngressSpec = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ default: true, description: "Expose the forum at spec.hostname. Defaults to true." })),
    kind: Type.Optional(
      Type.Union([Type.Literal("Ingress"), Type.Literal("Route")], {
        description: "Kind of object exposing the forum. Defaults to Route when the cluster serves route.openshift.io/v1, else Ingress.",
      }),
    ),
    className: Type.Optional(Type.String({ minLength: 1, description: "IngressClass name (Ingress only). Defaults to the cluster's default class." })),
    tlsSecretName: Type.Optional(ObjectName("Secret holding the TLS certificate for spec.hostname. Defaults to <metadata.name>-tls.")),
    annotations: Type.Optional(
      Type.Record(Type.String(), Type.String(), { description: "Annotations added to the Ingress or Route (e.g. for cert-manager)." }),
    ),
  },
  { description: "How the forum is exposed outside the cluster." },
);

export const PluginSpec = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: "^[a-z0-9][a-z0-9_-]*$", description: "Plugin name; unique within spec.plugins." }),
    repository: Type.String({ pattern: "^https://", maxLength: 2048, description: "https:// git URL of the plugin, without user or password in it." }),
    ref: Type.Optional(Type.String({ minLength: 1, maxLength: 255, description: "Git branch, tag or commit (a valid git ref name, never starting with '-'). Defaults to the repository's default branch." })),
  },
  { description: "A Discourse plugin, installed from git." },
);

const KeyRef = (kind: string): TObject<{ name: TString; key: TString; optional: TOptional<TBoolean> }> =>
  Type.Object(
    {
      name: ObjectName(`Name of the ${kind}, in the namespace of the Discourse.`),
      key: Type.String({ minLength: 1, description: `Key in the ${kind}.` }),
      optional: Type.Optional(Type.Boolean({ description: `Whether the ${kind} or its key may be missing. Defaults to false.` })),
    },
    { description: `A key of a ${kind}.` },
  );

const EnvVarSource = Type.Object(
  {
    secretKeyRef: Type.Optional(KeyRef("Secret")),
    configMapKeyRef: Type.Optional(KeyRef("ConfigMap")),
  },
  { description: "Source of the value (a Secret or ConfigMap key)." },
);

export const EnvVar = Type.Object(
  {
    name: Type.String({ minLength: 1, pattern: ENV_NAME_PATTERN, description: "Variable name; must start with DISCOURSE_." }),
    value: Type.Optional(Type.String({ description: "Literal value." })),
    valueFrom: Type.Optional(EnvVarSource),
  },
  { description: "An extra environment variable of the web and sidekiq containers." },
);

/**
 * A five-field cron expression (minute, hour, day of month, month, day of week), as
 * Kubernetes CronJobs take it; webhooks/validation/rules/backup.ts parses it fully.
 */
export const CRON_PATTERN = "^\\S+( +\\S+){4}$";

export const BackupSpec = Type.Object(
  {
    schedule: Type.Optional(Type.String({
      minLength: 1,
      maxLength: 100,
      pattern: CRON_PATTERN,
      description:
        "Five-field cron expression (minute hour day-of-month month day-of-week, UTC), e.g. \"0 3 * * *\"; " +
        "when set, the operator makes a DiscourseBackup with reason Scheduled on that schedule. Defaults to none.",
    })),
    retention: Type.Optional(Type.Integer({
      minimum: 1,
      maximum: 100,
      default: DEFAULT_BACKUP_RETENTION,
      format: "int32",
      description:
        "Completed backups of this forum kept, 1 to 100; the oldest are removed first, with their files " +
        `(a backup made before an upgrade counts). Defaults to ${DEFAULT_BACKUP_RETENTION}.`,
    })),
    beforeUpgrade: Type.Optional(Type.Boolean({
      default: true,
      description:
        "A backup must complete before migrations of new code (version, image, plugins) run; a failed one stops the " +
        "upgrade (the old version keeps serving, Degraded, reason BackupFailed). Defaults to true.",
    })),
    storage: Type.Optional(Type.Object(
      {
        size: Type.Optional(Quantity(
          `Requested size of the backups volume <metadata.name>-backups; greater than zero; may grow, never shrink. Defaults to ${DEFAULT_BACKUP_STORAGE_SIZE}.`,
          { default: DEFAULT_BACKUP_STORAGE_SIZE },
        )),
        storageClassName: Type.Optional(Type.String({
          minLength: 1,
          description: "StorageClass of the backups volume; immutable. Defaults to the cluster's default StorageClass.",
          ...immutable("storageClassName"),
        })),
      },
      { description: "The backups volume <metadata.name>-backups." },
    )),
  },
  { description: "Backups of the forum's database and uploads (DiscourseBackup objects)." },
);

export const RestoreSpec = Type.Object(
  {
    backup: ObjectName(
      "Name of a Completed DiscourseBackup in the namespace: the new forum starts from its database and uploads, " +
        "checked against their checksums, before its first migration.",
    ),
  },
  {
    description: "Start a new forum from a backup. Set on create only; immutable.",
    ...immutable("restore"),
  },
);

export const DiscourseSpec = Type.Object(
  {
    hostname: Type.String({
      minLength: 1,
      maxLength: 253,
      pattern: HOSTNAME_PATTERN,
      description:
        "Public host name of the forum (DISCOURSE_HOSTNAME): a lower-case DNS subdomain with at least one dot, " +
        "not an IP address, unique across all Discourse objects in the cluster.",
    }),
    version: Type.Optional(Type.String({
      minLength: 1,
      maxLength: MAX_VERSION_LENGTH,
      default: DEFAULT_DISCOURSE_VERSION,
      description:
        "Discourse release, e.g. 3.4.2 or 2026.7.0 (floating tags such as latest are rejected). A lower version is " +
        `rejected unless the object is annotated discourse.cern/allow-downgrade: "true". Defaults to ${DEFAULT_DISCOURSE_VERSION}.`,
    })),
    image: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 512,
        description: `Container image of web and sidekiq; overrides the derived one. Defaults to ${DEFAULT_IMAGE_REPOSITORY}:<spec.version>.`,
      }),
    ),
    replicas: Type.Optional(Type.Integer({
      minimum: 0,
      maximum: 50,
      default: 1,
      format: "int32",
      description: "Web pods, 0 to 50; 0 stops the forum for maintenance. Defaults to 1.",
    })),
    category: Type.Optional(Type.Union([Type.Literal("personal"), Type.Literal("test"), Type.Literal("official")], {
      default: "personal",
      description: "Kind of forum; sets default resources. official with fewer than 2 replicas gets a warning. Defaults to personal.",
    })),
    developerEmails: Type.Array(Type.String({ format: "email", maxLength: 254 }), {
      minItems: 1,
      maxItems: 50,
      description: "Administrators' e-mail addresses (DISCOURSE_DEVELOPER_EMAILS): 1 to 50, unique.",
    }),
    database: Type.Optional(DatabaseSpec),
    redis: Type.Optional(RedisSpec),
    smtp: Type.Optional(SmtpSpec),
    ingress: Type.Optional(IngressSpec),
    storage: Type.Optional(
      Type.Object(
        {
          uploads: Type.Optional(
            Storage("uploads", {
              accessMode: Type.Optional(
                Type.Union([Type.Literal("ReadWriteOnce"), Type.Literal("ReadWriteMany")], {
                  description:
                    "Access mode of the uploads volume; immutable. ReadWriteOnce with several replicas gets a warning. " +
                    "Defaults to ReadWriteMany when spec.replicas > 1, else ReadWriteOnce.",
                }),
              ),
            }),
          ),
        },
        { description: "Persistent storage of the forum." },
      ),
    ),
    resources: Type.Optional(
      Type.Object(
        { web: Type.Optional(ResourceRequirements("web")), sidekiq: Type.Optional(ResourceRequirements("sidekiq")) },
        { description: "Compute resources per component. Defaults by spec.category." },
      ),
    ),
    sidekiq: Type.Optional(
      Type.Object(
        {
          replicas: Type.Optional(Type.Integer({
            minimum: 0,
            maximum: 20,
            default: 1,
            format: "int32",
            description: "Number of sidekiq (background job) pods, 0 to 20. Defaults to 1.",
          })),
        },
        { description: "Sidekiq, Discourse's background job runner." },
      ),
    ),
    plugins: Type.Optional(Type.Array(PluginSpec, { maxItems: 100, description: "Plugins to install; names are unique." })),
    env: Type.Optional(
      Type.Array(EnvVar, {
        maxItems: 200,
        description: "Extra DISCOURSE_* settings. Names the operator sets itself (database, Redis, SMTP, hostname, developer e-mails) are rejected.",
      }),
    ),
    deletionPolicy: Type.Optional(Type.Union([Type.Literal("Retain"), Type.Literal("Delete")], {
      default: "Retain",
      description:
        "On deletion, Retain keeps the uploads volume, the database volume and the credentials Secret (no longer owned); " +
        "Delete removes everything. Defaults to Retain.",
    })),
    deletionProtection: Type.Optional(Type.Boolean({ default: false, description: "While true, deleting the Discourse is denied. Defaults to false." })),
    paused: Type.Optional(Type.Boolean({
      default: false,
      description: "While true the reconciler changes nothing and reports condition Paused. Defaults to false.",
    })),
    backup: Type.Optional(BackupSpec),
    restore: Type.Optional(RestoreSpec),
  },
  {
    description: "Desired state of the forum.",
    "x-kubernetes-validations": [
      { rule: "has(self.restore) == has(oldSelf.restore)", message: "restore may only be set when the Discourse is created" },
    ],
  },
);

export const Condition = Type.Object(
  {
    type: Type.String({ description: "Condition type: Ready, Progressing, Degraded, DatabaseReady or Paused." }),
    status: Type.Union([Type.Literal("True"), Type.Literal("False"), Type.Literal("Unknown")], { description: "True, False or Unknown." }),
    observedGeneration: Type.Optional(Type.Integer({ minimum: 0, description: "metadata.generation the condition was set for." })),
    lastTransitionTime: Type.String({ format: "date-time", description: "When the status last changed." }),
    reason: Type.String({ description: "CamelCase reason for the last transition." }),
    message: Type.String({ description: "Human-readable details." }),
  },
  { description: "A metav1.Condition." },
);

export const DiscourseStatus = Type.Object(
  {
    observedGeneration: Type.Optional(Type.Integer({ description: "metadata.generation last reconciled." })),
    conditions: Type.Optional(
      Type.Array(Condition, {
        description: "Latest observations: Ready, Progressing, Degraded, DatabaseReady, Paused.",
        "x-kubernetes-list-type": "map",
        "x-kubernetes-list-map-keys": ["type"],
      }),
    ),
    phase: Type.Optional(Type.String({ enum: [...PHASES], description: "Summary: Pending, Provisioning, Running, Upgrading, Degraded or Paused." })),
    url: Type.Optional(Type.String({ description: "URL of the forum, https://<spec.hostname>." })),
    version: Type.Optional(Type.String({ description: "Discourse version web and sidekiq run now, once its database migrations ran; absent before the first migration succeeded." })),
    revision: Type.Optional(Type.String({
      description: "Code revision web and sidekiq run now: a hash of version, image and plugins (name, repository, ref). A new revision runs only after its pre-deployment migrations; absent before the first migration succeeded.",
    })),
    readyReplicas: Type.Optional(Type.Integer({ description: "Web pods ready to serve." })),
    restoredFrom: Type.Optional(Type.String({
      description: "Name of the DiscourseBackup this forum's database and uploads were restored from (spec.restore.backup), once the restore Job succeeded; absent for a forum that started empty.",
    })),
  },
  { description: "Observed state of the forum, written by the reconciler." },
);
