/**
 * Security contexts that pass the "restricted" Pod Security Standard
 * (https://kubernetes.io/docs/concepts/security/pod-security-standards/) everywhere and,
 * on OpenShift, the SCC each pod is admitted under
 * (https://docs.openshift.com/container-platform/latest/authentication/managing-security-context-constraints.html):
 * non-root, no privilege escalation, every capability dropped, the runtime's default
 * seccomp profile. Root file systems stay writable: Rails, PostgreSQL and Redis write below
 * their home directories.
 *
 * Users, per image (docs/upstream.md, "Users and OpenShift"):
 * - postgres and redis (official images, pgvector builds on postgres) run as any uid once
 *   their data directory is writable: docker-library/postgres `docker-entrypoint.sh` fakes a
 *   passwd entry with nss_wrapper for an unknown uid; redis only writes its `dir`. On
 *   Kubernetes they run as 999 (the images' `postgres`/`redis` users, whose default user is
 *   root, so `runAsNonRoot` needs a uid); on OpenShift no uid, gid or fsGroup is set and
 *   `restricted-v2` assigns them from the namespace's range.
 * - Discourse runs as 1000, the owner of /var/www/discourse (discourse_docker
 *   `image/base/Dockerfile`: `useradd --uid 1000 … discourse`); precompiling assets and
 *   linking plugins write there, so an arbitrary uid cannot run it. On OpenShift the
 *   operator grants the forum's ServiceAccount the `nonroot-v2` SCC (scc-role-binding.ts).
 */
import type { V1PodSecurityContext, V1SecurityContext } from "@kubernetes/client-node";

/** uid/gid of the `discourse` user of the discourse_docker base image (image/base/Dockerfile). */
export const DISCOURSE_UID = 1000;
/** uid/gid of `postgres` in the official postgres image (docker-library/postgres `Dockerfile`: `useradd … --uid=999`). */
export const POSTGRES_UID = 999;
/** uid/gid of `redis` in the official redis image. */
export const REDIS_UID = 999;

/**
 * Pod-level context. `uid` set: run as `uid`, volumes group-owned by `uid` (fsGroup).
 * `uid` undefined (an image that runs as any uid, on OpenShift): no uid, gid or fsGroup,
 * the SCC assigns them.
 */
export function podSecurityContext(uid: number | undefined): V1PodSecurityContext {
  const ids = uid === undefined ? {} : { runAsUser: uid, runAsGroup: uid, fsGroup: uid };
  return { runAsNonRoot: true, ...ids, seccompProfile: { type: "RuntimeDefault" } };
}

/** The uid of a backend image that runs as any uid: `uid` on Kubernetes, none on OpenShift. */
export function backendUid(uid: number, openShift: boolean): number | undefined {
  return openShift ? undefined : uid;
}

/** Container-level context: no privilege escalation, no capabilities. */
export function containerSecurityContext(): V1SecurityContext {
  return { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
}
