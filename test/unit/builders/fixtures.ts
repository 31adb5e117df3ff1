/**
 * Fully defaulted Discourse objects written by hand (the builders' input), so these tests
 * do not depend on webhooks/defaulting. Each factory returns a fresh object.
 */
import type { DefaultedDiscourse, DefaultedSpec } from "../../../src/api/types.js";

/** root-forum: official, 3 replicas, managed PostgreSQL and Redis, SMTP, plugins, extra env, Ingress. */
export function rootForum(): DefaultedDiscourse {
  return {
    apiVersion: "discourse.cern/v1alpha1",
    kind: "Discourse",
    metadata: { name: "root-forum", namespace: "forums", uid: "0b5e7c1e-1111-4a6b-9c1d-000000000001", generation: 1 },
    spec: {
      hostname: "root-forum.web.cern.ch",
      version: "3.5.2",
      image: "docker.io/discourse/discourse:3.5.2",
      replicas: 3,
      category: "official",
      developerEmails: ["admin@cern.ch", "ops@cern.ch"],
      database: {
        port: 5432,
        name: "root_forum",
        user: "root_forum",
        credentialsSecret: "root-forum-db-credentials",
        sslMode: "disable",
        version: "17",
        storage: { size: "20Gi", storageClassName: "standard" },
      },
      redis: { port: 6379, storage: { size: "2Gi" } },
      smtp: {
        host: "cernmx.cern.ch",
        port: 587,
        user: "root-forum",
        passwordSecret: { name: "root-forum-smtp", key: "password" },
        enableStartTLS: true,
        domain: "cern.ch",
        fromAddress: "noreply-root-forum@cern.ch",
      },
      ingress: {
        enabled: true,
        kind: "Ingress",
        className: "nginx",
        tlsSecretName: "root-forum-tls",
        annotations: { "cert-manager.io/cluster-issuer": "cern" },
      },
      storage: { uploads: { size: "50Gi", accessMode: "ReadWriteMany", storageClassName: "cephfs" } },
      resources: {
        web: { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } },
        sidekiq: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } },
      },
      sidekiq: { replicas: 2 },
      plugins: [
        { name: "discourse-solved", repository: "https://github.com/discourse/discourse-solved", ref: "main" },
        { name: "discourse_saml", repository: "https://github.com/discourse/discourse-saml" },
      ],
      env: [
        { name: "DISCOURSE_MAX_REQS_PER_IP_MODE", value: "warn" },
        { name: "DISCOURSE_SAML_CERT_FINGERPRINT", valueFrom: { secretKeyRef: { name: "root-forum-saml", key: "fingerprint" } } },
      ],
      deletionPolicy: "Retain",
      deletionProtection: true,
      paused: false,
    },
  };
}

/**
 * marketplace: external PostgreSQL with an admin Secret, external Redis with a password,
 * no SMTP, one replica, ReadWriteOnce uploads, Route, deletionPolicy Delete.
 */
export function marketplace(): DefaultedDiscourse {
  return {
    apiVersion: "discourse.cern/v1alpha1",
    kind: "Discourse",
    metadata: { name: "marketplace", namespace: "shop", uid: "0b5e7c1e-2222-4a6b-9c1d-000000000002", generation: 4 },
    spec: {
      hostname: "marketplace.cern.ch",
      version: "3.4.2",
      image: "registry.cern.ch/discourse/discourse:3.4.2-cern1",
      replicas: 1,
      category: "personal",
      developerEmails: ["seller@cern.ch"],
      database: {
        host: "dbod-market.cern.ch",
        port: 6600,
        name: "marketplace",
        user: "marketplace",
        credentialsSecret: "marketplace-db-credentials",
        adminSecret: "dbod-admin",
        sslMode: "require",
        version: "16",
        storage: { size: "10Gi" },
      },
      redis: { host: "redis.shared.svc", port: 6380, passwordSecret: { name: "shared-redis", key: "auth" }, storage: { size: "1Gi" } },
      ingress: { enabled: true, kind: "Route", tlsSecretName: "marketplace-tls" },
      storage: { uploads: { size: "10Gi", accessMode: "ReadWriteOnce" } },
      resources: {
        web: { requests: { cpu: "250m", memory: "1Gi" }, limits: { memory: "2Gi" } },
        sidekiq: { requests: { cpu: "100m", memory: "512Mi" }, limits: { memory: "1Gi" } },
      },
      sidekiq: { replicas: 1 },
      plugins: [],
      env: [],
      deletionPolicy: "Delete",
      deletionProtection: false,
      paused: false,
    },
  };
}

/** A copy of `base` with `change` applied to its spec. */
export function withSpec(base: DefaultedDiscourse, change: (spec: DefaultedSpec) => void): DefaultedDiscourse {
  const copy = structuredClone(base);
  change(copy.spec);
  return copy;
}

/** Freezes an object graph, so a builder that mutates its input throws in strict mode. */
export function deepFreeze<T>(v: T): T {
  if (typeof v === "object" && v !== null) {
    for (const inner of Object.values(v)) deepFreeze(inner);
    Object.freeze(v);
  }
  return v;
}
