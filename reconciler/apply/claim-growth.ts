/**
 * Growing a PersistentVolumeClaim: the apiserver accepts a larger
 * `spec.resources.requests.storage` only on a bound claim
 * (https://kubernetes.io/docs/concepts/storage/persistent-volumes/#expanding-persistent-volumes-claims);
 * on a Pending claim every spec change is Forbidden. So while a claim is not
 * bound its live size is kept, and the growth is applied on the first
 * reconcile after it binds (the informer sees the phase change).
 */
import type { KubeObject } from "../client/kube-client.js";

interface ClaimShape {
  spec?: { resources?: { requests?: Record<string, unknown> } };
  status?: { phase?: string };
}

/**
 * @returns `desired`, or a copy whose storage request is the live one when
 *   `live` is a PersistentVolumeClaim that is not Bound.
 */
export function holdUnboundClaimSize(desired: KubeObject, live: KubeObject | undefined): KubeObject {
  if (desired.kind !== "PersistentVolumeClaim" || !live) return desired;
  const claim = live as unknown as ClaimShape;
  const liveStorage = claim.spec?.resources?.requests?.storage;
  if (claim.status?.phase === "Bound" || liveStorage === undefined) return desired;
  const d = desired as unknown as ClaimShape & KubeObject;
  if (d.spec?.resources?.requests?.storage === undefined) return desired;
  return { ...d, spec: { ...d.spec, resources: { ...d.spec.resources, requests: { ...d.spec.resources.requests, storage: liveStorage } } } };
}
