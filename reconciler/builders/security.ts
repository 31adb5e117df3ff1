/**
 * Security contexts close to the "restricted" Pod Security Standard
 * (https://kubernetes.io/docs/concepts/security/pod-security-standards/): non-root user,
 * no privilege escalation, every capability dropped, the runtime's default seccomp
 * profile. Root file systems stay writable: Rails, PostgreSQL and Redis write below
 * their home directories.
 */
import type { V1PodSecurityContext, V1SecurityContext } from "@kubernetes/client-node";

/** uid/gid of the `discourse` user of the discourse_docker base image (first `useradd`). */
export const DISCOURSE_UID = 1000;
/** uid/gid of `postgres` in the official postgres image and of `redis` in the official redis image. */
export const POSTGRES_UID = 999;
export const REDIS_UID = 999;

/** Pod-level context: run as `uid`, volumes group-owned by `uid` (fsGroup). */
export function podSecurityContext(uid: number): V1PodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: uid,
    fsGroup: uid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** Container-level context: no privilege escalation, no capabilities. */
export function containerSecurityContext(): V1SecurityContext {
  return { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
}
