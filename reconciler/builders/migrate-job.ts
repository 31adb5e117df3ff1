/**
 * Job `<name>-migrate-<version>` (component `migrations`): `bundle exec rake db:migrate`
 * with the image of `spec.version`, the same settings, secrets and plugins as web (plugins
 * bring migrations too), as discourse_docker's `migrate` step does. It has no
 * ttlSecondsAfterFinished: a succeeded Job stays as the record that this version's
 * migrations ran, and the name changes with every version. A Job's pod template is
 * immutable: create it, never update it.
 */
import type { V1Job } from "@kubernetes/client-node";
import { GROUP } from "../../src/api/constants.js";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { buildDiscoursePodTemplate } from "./discourse-pod.js";
import { childMeta, COMPONENTS } from "./metadata.js";
import { migrateJobName } from "./names.js";
import type { BuildOptions } from "./options.js";

/** Label on the migration Job naming the Discourse version it migrates to. */
export const VERSION_LABEL = `${GROUP}/version`;

/**
 * The migration Job of `spec.version`. Always desired (it is created once per version).
 * `opts` gives the platform (the OpenShift ServiceAccount, as web and sidekiq get it).
 */
export function buildMigrateJob(obj: DefaultedDiscourse, opts: BuildOptions = {}): V1Job {
  const metadata = childMeta(obj, COMPONENTS.migrations, migrateJobName(obj));
  metadata.labels = { ...metadata.labels, [VERSION_LABEL]: obj.spec.version };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata,
    spec: {
      backoffLimit: 3,
      template: buildDiscoursePodTemplate(obj, {
        component: COMPONENTS.migrations,
        image: obj.spec.image,
        uploads: false,
        restartPolicy: "Never",
        build: opts,
        container: {
          name: "migrate",
          command: ["bundle", "exec", "rake", "db:migrate"],
          resources: obj.spec.resources.web,
        },
      }),
    },
  };
}
