/** Expected-value helpers for the builder tests, written out independently of the builders. */

const UIDS: Record<string, string> = {
  "root-forum": "0b5e7c1e-1111-4a6b-9c1d-000000000001",
  marketplace: "0b5e7c1e-2222-4a6b-9c1d-000000000002",
};
const NAMESPACES: Record<string, string> = { "root-forum": "forums", marketplace: "shop" };

export function labels(instance: string, component: string) {
  return {
    "app.kubernetes.io/name": "discourse",
    "app.kubernetes.io/instance": instance,
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/managed-by": "discourse-operator",
  };
}

export function selector(instance: string, component: string) {
  return {
    "app.kubernetes.io/name": "discourse",
    "app.kubernetes.io/instance": instance,
    "app.kubernetes.io/component": component,
  };
}

/** Metadata of a child of `instance` (one of the fixtures). */
export function meta(instance: string, component: string, name: string) {
  return {
    name,
    namespace: NAMESPACES[instance],
    labels: labels(instance, component),
    ownerReferences: [
      {
        apiVersion: "discourse.cern/v1alpha1",
        kind: "Discourse",
        name: instance,
        uid: UIDS[instance],
        controller: true,
        blockOwnerDeletion: true,
      },
    ],
  };
}

/** Metadata of a child that `deletionPolicy: Retain` keeps: no owner reference while Retain. */
export function retainedMeta(instance: string, component: string, name: string) {
  const { ownerReferences: _owners, ...rest } = meta(instance, component, name);
  return rest;
}

export const restrictedContainer = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };

export function restrictedPod(uid: number) {
  return { runAsNonRoot: true, runAsUser: uid, runAsGroup: uid, fsGroup: uid, seccompProfile: { type: "RuntimeDefault" } };
}

/** Pod context of an image that runs as any uid on OpenShift: no uid, gid or fsGroup. */
export const arbitraryUidPod = { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } };

/** Env of every Discourse container of root-forum after the process env: the secretKeyRef entries. */
export const ROOT_FORUM_SECRET_ENV = [
  { name: "DISCOURSE_DB_PASSWORD", valueFrom: { secretKeyRef: { name: "root-forum-db-credentials", key: "password" } } },
  { name: "DISCOURSE_SECRET_KEY_BASE", valueFrom: { secretKeyRef: { name: "root-forum-app-secrets", key: "secret_key_base" } } },
  { name: "DISCOURSE_SMTP_PASSWORD", valueFrom: { secretKeyRef: { name: "root-forum-smtp", key: "password" } } },
  { name: "DISCOURSE_SAML_CERT_FINGERPRINT", valueFrom: { secretKeyRef: { name: "root-forum-saml", key: "fingerprint" } } },
];
/** Mounts shared by the app containers of root-forum (logs, uploads, plugins). */
export const ROOT_FORUM_MOUNTS = [
  { name: "logs", mountPath: "/shared/log/rails" },
  { name: "uploads", mountPath: "/shared/uploads" },
  { name: "plugins", mountPath: "/var/www/discourse/plugins/discourse-solved", subPath: "discourse-solved" },
  { name: "plugins", mountPath: "/var/www/discourse/plugins/discourse_saml", subPath: "discourse_saml" },
];
