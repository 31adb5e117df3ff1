/**
 * A small, pure checker of a pod spec against the admission rules the operator's pods
 * must pass:
 * - the "restricted" Pod Security Standard
 *   (https://kubernetes.io/docs/concepts/security/pod-security-standards/, baseline and
 *   restricted controls that a pod spec decides);
 * - the OpenShift SCCs `restricted-v2` and `nonroot-v2`
 *   (https://docs.openshift.com/container-platform/latest/authentication/managing-security-context-constraints.html):
 *   restricted-v2 assigns uid and fsGroup from the namespace's range (MustRunAsRange /
 *   MustRunAs), so a pod that fixes them is refused; nonroot-v2 admits any non-root uid
 *   (MustRunAsNonRoot) and any fsGroup (RunAsAny). Both require no privilege escalation,
 *   every capability dropped (NET_BIND_SERVICE alone may be added), seccomp
 *   runtime/default, no host namespaces, ports or paths, and the same volume types.
 * Returns one line per violation; an empty list means admitted.
 */
import type { V1Container, V1PodSpec } from "@kubernetes/client-node";

export type Profile = "restricted-pss" | "restricted-v2" | "nonroot-v2";

/** Volume types the restricted standard and both SCCs allow. */
const ALLOWED_VOLUMES = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

function containers(pod: V1PodSpec): V1Container[] {
  return [...(pod.initContainers ?? []), ...pod.containers];
}

function hostChecks(pod: V1PodSpec): string[] {
  const out: string[] = [];
  if (pod.hostNetwork || pod.hostPID || pod.hostIPC) out.push("host namespaces");
  for (const v of pod.volumes ?? []) {
    const type = Object.keys(v).find((k) => k !== "name");
    if (!type || !ALLOWED_VOLUMES.includes(type)) out.push(`volume ${v.name}: type ${type ?? "none"}`);
  }
  for (const c of containers(pod)) {
    if ((c.ports ?? []).some((p) => p.hostPort !== undefined)) out.push(`${c.name}: hostPort`);
    if (c.securityContext?.privileged) out.push(`${c.name}: privileged`);
  }
  return out;
}

/** Privilege escalation and capabilities of one container. */
function privilegeChecks(c: V1Container): string[] {
  const sc = c.securityContext ?? {};
  const out: string[] = [];
  if (sc.allowPrivilegeEscalation !== false) out.push(`${c.name}: allowPrivilegeEscalation must be false`);
  if (!(sc.capabilities?.drop ?? []).includes("ALL")) out.push(`${c.name}: capabilities must drop ALL`);
  const added = (sc.capabilities?.add ?? []).filter((a) => a !== "NET_BIND_SERVICE");
  if (added.length > 0) out.push(`${c.name}: adds ${added.join(",")}`);
  return out;
}

/** Seccomp and user of one container, the pod's context filling what it leaves out. */
function identityChecks(c: V1Container, pod: V1PodSpec): string[] {
  const sc = c.securityContext ?? {};
  const psc = pod.securityContext ?? {};
  const out: string[] = [];
  const seccomp = sc.seccompProfile?.type ?? psc.seccompProfile?.type;
  if (seccomp !== "RuntimeDefault" && seccomp !== "Localhost") out.push(`${c.name}: seccomp ${seccomp ?? "unset"}`);
  if ((sc.runAsNonRoot ?? psc.runAsNonRoot) !== true) out.push(`${c.name}: runAsNonRoot must be true`);
  if ((sc.runAsUser ?? psc.runAsUser) === 0) out.push(`${c.name}: runAsUser 0`);
  return out;
}

function containerChecks(pod: V1PodSpec): string[] {
  return containers(pod).flatMap((c) => [...privilegeChecks(c), ...identityChecks(c, pod)]);
}

/** What `restricted-v2` adds: no fixed uid, gid or fsGroup (the SCC assigns them from the namespace's range). */
function assignedIdsChecks(pod: V1PodSpec): string[] {
  const out: string[] = [];
  const psc = pod.securityContext ?? {};
  if (psc.runAsUser !== undefined) out.push(`pod runAsUser ${psc.runAsUser} outside the namespace's range`);
  if (psc.runAsGroup !== undefined) out.push(`pod runAsGroup ${psc.runAsGroup} outside the namespace's range`);
  if (psc.fsGroup !== undefined) out.push(`pod fsGroup ${psc.fsGroup} outside the namespace's range`);
  for (const c of containers(pod)) {
    if (c.securityContext?.runAsUser !== undefined) out.push(`${c.name}: runAsUser ${c.securityContext.runAsUser} outside the namespace's range`);
  }
  return out;
}

/** Violations of `pod` against `profile`; empty when it is admitted. */
export function podViolations(pod: V1PodSpec, profile: Profile): string[] {
  const base = [...hostChecks(pod), ...containerChecks(pod)];
  return profile === "restricted-v2" ? [...base, ...assignedIdsChecks(pod)] : base;
}
