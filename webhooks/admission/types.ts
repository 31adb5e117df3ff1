/**
 * AdmissionReview v1 as the kube-apiserver sends and expects it
 * (https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#request
 * and #response). Only the fields the webhooks read or write are typed.
 */

export const ADMISSION_API_VERSION = "admission.k8s.io/v1";
export const ADMISSION_KIND = "AdmissionReview";

export type Operation = "CREATE" | "UPDATE" | "DELETE" | "CONNECT";

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export interface GroupVersionResource {
  group: string;
  version: string;
  resource: string;
}

/** `request` of an AdmissionReview. `object` is null on DELETE, `oldObject` is null on CREATE. */
export interface AdmissionRequest {
  uid: string;
  kind: GroupVersionKind;
  resource: GroupVersionResource;
  subResource?: string;
  requestKind?: GroupVersionKind;
  name?: string;
  namespace?: string;
  operation: Operation;
  userInfo?: { username?: string; uid?: string; groups?: string[] };
  object?: unknown;
  oldObject?: unknown;
  dryRun?: boolean;
  options?: unknown;
}

/** metav1.StatusCause: one problem, rendered by kubectl as `<field>: <message>`. */
export interface StatusCause {
  type: string;
  field: string;
  message: string;
}

/** metav1.Status inside a denial. */
export interface AdmissionStatus {
  code: number;
  reason?: string;
  message: string;
  details?: { group: string; kind: string; name: string; causes: StatusCause[] };
}

/** `response` of an AdmissionReview. `patch` is base64 of a JSON Patch (RFC 6902). */
export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: AdmissionStatus;
  patch?: string;
  patchType?: "JSONPatch";
  warnings?: string[];
}

export interface AdmissionReview {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: typeof ADMISSION_KIND;
  request?: AdmissionRequest;
  response?: AdmissionResponse;
}
