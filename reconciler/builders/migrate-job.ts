/**
 * Migration Jobs (component `migrations`): `bundle exec rake db:migrate` with the code of
 * the spec (image, plugins), the same settings and secrets as web, in two stages as
 * discourse/launcher runs a web-only rebuild (`v2/cli_runtime.go`: `migrate` with
 * `SKIP_POST_DEPLOYMENT_MIGRATIONS=1`, then start the new containers, then `migrate`
 * again; `v2/cli_build.go` sets the variable, discourse_docker
 * `templates/web.template.yml` runs `rake db:migrate` as its `migrate` step):
 *
 * - `pre`: with `SKIP_POST_DEPLOYMENT_MIGRATIONS=1`, before web and sidekiq run the new
 *   code. Discourse then leaves out `db/post_migrate` of core
 *   (`config/initializers/000-post_migration.rb`, `Discourse.skip_post_deployment_migrations?`
 *   in `lib/discourse.rb` accepts `1` or `true`) and of every plugin
 *   (`lib/plugin/instance.rb`), and skips the icon optimisation (`lib/tasks/db.rake`).
 * - `post`: without it, once the new pods are ready: the post-deployment migrations drop
 *   what the old code still used.
 *
 * The name is `<name>-migrate-<version>-<hash>-<stage>`, where `<hash>` covers the whole
 * pod template and the settings it reads (the `<name>-env` data): everything of the spec
 * that reaches the migration pod. A Job's pod template is immutable, so a changed input
 * is a new Job (a new attempt after a failure), never an update. The version part is
 * shortened, or left out, so the name stays within 63 characters (the Job controller
 * puts it in the `job-name` label of its pods). No ttlSecondsAfterFinished: a finished
 * Job stays for `kubectl logs`, and a succeeded one is the record that this revision's
 * migrations ran; the reconciler removes those of older revisions.
 */
import type { V1Job } from "@kubernetes/client-node";
import { GROUP } from "../../src/api/constants.js";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { codeRevision, contentHash, specCode } from "./app-code.js";
import { buildDiscoursePodTemplate } from "./discourse-pod.js";
import { envHash } from "./env-configmap.js";
import { childMeta, COMPONENTS } from "./metadata.js";
import type { BuildOptions } from "./options.js";
import { CONFIG_HASH_ANNOTATION } from "./web-deployment.js";

/** `pre`: before the new code serves (post-deployment migrations skipped); `post`: after. */
export type MigrationStage = "pre" | "post";

/** Label on a migration Job: the Discourse version it migrates to. */
export const VERSION_LABEL = `${GROUP}/version`;
/** Label on a migration Job: the code revision it migrates for (`codeRevision`). */
export const REVISION_LABEL = `${GROUP}/revision`;
/** Label on a migration Job: its stage, `pre` or `post`. */
export const STAGE_LABEL = `${GROUP}/migration-stage`;
/** The variable that makes `db:migrate` leave the post-deployment migrations out (discourse `lib/discourse.rb`). */
export const SKIP_POST_DEPLOYMENT_MIGRATIONS = "SKIP_POST_DEPLOYMENT_MIGRATIONS";
/** Retries of a migration pod before the Job is Failed. */
export const MIGRATION_BACKOFF_LIMIT = 3;

const MAX_NAME = 63;
const HASH_LENGTH = 8;

/**
 * `<name>-migrate-<version>-<hash>-<stage>`: the version lower case with dots as dashes,
 * shortened (or left out with its dash) to keep the name within 63 characters.
 * `metadata.name` is at most 40 characters (webhooks/validation/rules/metadata-name.ts),
 * so `<name>-migrate-<hash>-post` always fits.
 */
export function migrateJobName(obj: DefaultedDiscourse, stage: MigrationStage, hash: string): string {
  const prefix = `${obj.metadata.name}-migrate-`;
  const suffix = `${hash}-${stage}`;
  const room = MAX_NAME - prefix.length - suffix.length - 1;
  const version = obj.spec.version.toLowerCase().replace(/[^a-z0-9]+/g, "-").slice(0, Math.max(room, 0)).replace(/-+$/, "");
  return version ? `${prefix}${version}-${suffix}` : `${prefix}${suffix}`;
}

/**
 * The migration Job of `stage` for the spec's code (see the file comment). Create it once;
 * never update it. `opts` gives the platform (on OpenShift the pod uses the ServiceAccount
 * web and sidekiq use, scc-role-binding.ts).
 */
export function buildMigrateJob(obj: DefaultedDiscourse, stage: MigrationStage, opts: BuildOptions = {}): V1Job {
  const template = buildDiscoursePodTemplate(obj, {
    component: COMPONENTS.migrations,
    image: obj.spec.image,
    uploads: false,
    restartPolicy: "Never",
    build: opts,
    annotations: { [CONFIG_HASH_ANNOTATION]: envHash(obj, opts) },
    processEnv: stage === "pre" ? [{ name: SKIP_POST_DEPLOYMENT_MIGRATIONS, value: "1" }] : [],
    container: {
      name: "migrate",
      command: ["bundle", "exec", "rake", "db:migrate"],
      resources: obj.spec.resources.web,
    },
  });
  const metadata = childMeta(obj, COMPONENTS.migrations, migrateJobName(obj, stage, contentHash(template, HASH_LENGTH)));
  metadata.labels = {
    ...metadata.labels,
    [VERSION_LABEL]: obj.spec.version,
    [REVISION_LABEL]: codeRevision(specCode(obj)),
    [STAGE_LABEL]: stage,
  };
  return { apiVersion: "batch/v1", kind: "Job", metadata, spec: { backoffLimit: MIGRATION_BACKOFF_LIMIT, template } };
}
