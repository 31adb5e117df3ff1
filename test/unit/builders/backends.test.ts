import { expect } from "chai";
import { buildDatabaseClaimResize, buildRedisClaimResize } from "../../../reconciler/builders/database-claim.js";
import type { BuildOptions } from "../../../reconciler/builders/options.js";
import { buildPostgresqlInitConfigMap, extensionsSql } from "../../../reconciler/builders/postgresql-init-configmap.js";
import { buildPostgresqlService } from "../../../reconciler/builders/postgresql-service.js";
import { buildPostgresqlStatefulSet, PG_FAST_STOP_SCRIPT } from "../../../reconciler/builders/postgresql-statefulset.js";
import { buildRedisStatefulSet, REDIS_START_SCRIPT } from "../../../reconciler/builders/redis-statefulset.js";
import { buildRedisService } from "../../../reconciler/builders/redis-service.js";
import type { DefaultedDiscourse } from "../../../src/api/types.js";
import { rootForum, withSpec } from "./fixtures.js";
import { arbitraryUidPod, labels, meta, restrictedContainer, restrictedPod, selector } from "./expected.js";

function expectedRedis(o: { env?: unknown[]; uid?: number; storage: string; whenDeleted: string }) {
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: meta("root-forum", "redis", "root-forum-redis"),
    spec: {
      replicas: 1,
      serviceName: "root-forum-redis",
      selector: { matchLabels: selector("root-forum", "redis") },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: o.whenDeleted, whenScaled: "Retain" },
      template: {
        metadata: { labels: labels("root-forum", "redis") },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: o.uid === undefined ? arbitraryUidPod : restrictedPod(o.uid),
          containers: [
            {
              name: "redis",
              image: "docker.io/library/redis:7.4",
              imagePullPolicy: "IfNotPresent",
              command: ["/bin/sh", "-c", REDIS_START_SCRIPT],
              ports: [{ name: "redis", containerPort: 6379, protocol: "TCP" }],
              readinessProbe: { tcpSocket: { port: "redis" }, periodSeconds: 10, timeoutSeconds: 5 },
              livenessProbe: { tcpSocket: { port: "redis" }, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
              resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "512Mi" } },
              volumeMounts: [
                { name: "data", mountPath: "/data" },
                { name: "config", mountPath: "/config" },
              ],
              securityContext: restrictedContainer,
              ...(o.env ? { env: o.env } : {}),
            },
          ],
          volumes: [{ name: "config", emptyDir: { medium: "Memory", sizeLimit: "1Mi" } }],
        },
      },
      volumeClaimTemplates: [
        {
          apiVersion: "v1",
          kind: "PersistentVolumeClaim",
          metadata: { name: "data", labels: labels("root-forum", "redis") },
          spec: { accessModes: ["ReadWriteOnce"], volumeMode: "Filesystem", resources: { requests: { storage: o.storage } } },
        },
      ],
    },
  };
}

describe("builders/redis", () => {
  const password = [{ name: "REDIS_PASSWORD", valueFrom: { secretKeyRef: { name: "redis-auth", key: "password" } } }];
  const cases: { name: string; obj: DefaultedDiscourse; opts?: BuildOptions; want: unknown }[] = [
    { name: "managed, no password: data on a 2Gi volume, uid 999", obj: rootForum(), want: expectedRedis({ uid: 999, storage: "2Gi", whenDeleted: "Retain" }) },
    {
      name: "password from spec.redis.passwordSecret: an env entry, never an argument",
      obj: withSpec(rootForum(), (s) => { s.redis.passwordSecret = { name: "redis-auth", key: "password" }; s.deletionPolicy = "Delete"; }),
      want: expectedRedis({ uid: 999, storage: "2Gi", whenDeleted: "Delete", env: password }),
    },
    {
      name: "OpenShift: no uid, restricted-v2 assigns one",
      obj: rootForum(),
      opts: { openShift: true },
      want: expectedRedis({ storage: "2Gi", whenDeleted: "Retain" }),
    },
    {
      name: "a live claim template is kept (volumeClaimTemplates are immutable)",
      obj: withSpec(rootForum(), (s) => { s.redis.storage = { size: "5Gi" }; }),
      opts: { liveRedisClaimTemplateStorage: "2Gi" },
      want: expectedRedis({ uid: 999, storage: "2Gi", whenDeleted: "Retain" }),
    },
  ];
  for (const c of cases) it(`StatefulSet: ${c.name}`, () => expect(buildRedisStatefulSet(c.obj, c.opts)).to.deep.equal(c.want));

  it("Redis claim resize: labels and storage only, no owner reference", () => {
    expect(buildRedisClaimResize(withSpec(rootForum(), (s) => { s.redis.storage = { size: "5Gi" }; }))).to.deep.equal({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "data-root-forum-redis-0", namespace: "forums", labels: labels("root-forum", "redis") },
      spec: { resources: { requests: { storage: "5Gi" } } },
    });
  });

  it("Service: the whole object", () => {
    expect(buildRedisService(rootForum())).to.deep.equal({
      apiVersion: "v1",
      kind: "Service",
      metadata: meta("root-forum", "redis", "root-forum-redis"),
      spec: {
        type: "ClusterIP",
        selector: selector("root-forum", "redis"),
        ports: [{ name: "redis", port: 6379, targetPort: "redis", protocol: "TCP" }],
      },
    });
  });
});

function expectedStatefulSet(o: { image: string; mountPath: string; pgdata?: string; whenDeleted: string; storage: string; uid?: number | null }) {
  const isReady = ["pg_isready", "-h", "127.0.0.1", "-p", "5432", "-U", "root_forum", "-d", "root_forum"];
  return {
    apiVersion: "apps/v1",
    kind: "StatefulSet",
    metadata: meta("root-forum", "postgresql", "root-forum-postgresql"),
    spec: {
      replicas: 1,
      serviceName: "root-forum-postgresql",
      selector: { matchLabels: selector("root-forum", "postgresql") },
      persistentVolumeClaimRetentionPolicy: { whenDeleted: o.whenDeleted, whenScaled: "Retain" },
      template: {
        metadata: { labels: labels("root-forum", "postgresql") },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: o.uid === null ? arbitraryUidPod : restrictedPod(999),
          terminationGracePeriodSeconds: 60,
          containers: [
            {
              name: "postgresql",
              image: o.image,
              imagePullPolicy: "IfNotPresent",
              env: [
                { name: "POSTGRES_USER", value: "root_forum" },
                { name: "POSTGRES_DB", value: "root_forum" },
                { name: "POSTGRES_PASSWORD", valueFrom: { secretKeyRef: { name: "root-forum-db-credentials", key: "password" } } },
                ...(o.pgdata ? [{ name: "PGDATA", value: o.pgdata }] : []),
              ],
              ports: [{ name: "postgresql", containerPort: 5432, protocol: "TCP" }],
              readinessProbe: { exec: { command: isReady }, periodSeconds: 10, timeoutSeconds: 5 },
              livenessProbe: { exec: { command: isReady }, initialDelaySeconds: 30, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
              resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { memory: "2Gi" } },
              lifecycle: { preStop: { exec: { command: ["/bin/sh", "-c", PG_FAST_STOP_SCRIPT] } } },
              volumeMounts: [
                { name: "data", mountPath: o.mountPath },
                { name: "init", mountPath: "/docker-entrypoint-initdb.d", readOnly: true },
                { name: "shm", mountPath: "/dev/shm" },
              ],
              securityContext: restrictedContainer,
            },
          ],
          volumes: [
            { name: "init", configMap: { name: "root-forum-postgresql-init" } },
            { name: "shm", emptyDir: { medium: "Memory", sizeLimit: "256Mi" } },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          apiVersion: "v1",
          kind: "PersistentVolumeClaim",
          metadata: { name: "data", labels: labels("root-forum", "postgresql") },
          spec: {
            accessModes: ["ReadWriteOnce"],
            volumeMode: "Filesystem",
            resources: { requests: { storage: o.storage } },
            storageClassName: "standard",
          },
        },
      ],
    },
  };
}

describe("builders/postgresql", () => {
  const cases: { name: string; obj: DefaultedDiscourse; opts?: BuildOptions; want: unknown }[] = [
    {
      name: "PostgreSQL 17, Retain: data in /var/lib/postgresql/data/pgdata, claim kept on deletion",
      obj: rootForum(),
      want: expectedStatefulSet({
        image: "docker.io/pgvector/pgvector:0.8.6-pg17",
        mountPath: "/var/lib/postgresql/data",
        pgdata: "/var/lib/postgresql/data/pgdata",
        whenDeleted: "Retain",
        storage: "20Gi",
      }),
    },
    {
      name: "PostgreSQL 18, Delete: volume at /var/lib/postgresql, image's PGDATA, claim deleted with it",
      obj: withSpec(rootForum(), (s) => { s.database.version = "18"; s.deletionPolicy = "Delete"; }),
      want: expectedStatefulSet({ image: "docker.io/pgvector/pgvector:0.8.6-pg18", mountPath: "/var/lib/postgresql", whenDeleted: "Delete", storage: "20Gi" }),
    },
    {
      name: "a live claim template is kept (volumeClaimTemplates are immutable)",
      obj: withSpec(rootForum(), (s) => { s.database.storage.size = "40Gi"; }),
      opts: { liveDatabaseClaimTemplateStorage: "20Gi" },
      want: expectedStatefulSet({
        image: "docker.io/pgvector/pgvector:0.8.6-pg17",
        mountPath: "/var/lib/postgresql/data",
        pgdata: "/var/lib/postgresql/data/pgdata",
        whenDeleted: "Retain",
        storage: "20Gi",
      }),
    },
    {
      name: "spec.database.image (a mirror) replaces the pgvector image; OpenShift: no uid",
      obj: withSpec(rootForum(), (s) => { s.database.image = "registry.cern.ch/mirror/pgvector:0.8.6-pg17"; }),
      opts: { openShift: true },
      want: expectedStatefulSet({
        image: "registry.cern.ch/mirror/pgvector:0.8.6-pg17",
        mountPath: "/var/lib/postgresql/data",
        pgdata: "/var/lib/postgresql/data/pgdata",
        whenDeleted: "Retain",
        storage: "20Gi",
        uid: null,
      }),
    },
  ];
  for (const c of cases) it(`StatefulSet: ${c.name}`, () => expect(buildPostgresqlStatefulSet(c.obj, c.opts)).to.deep.equal(c.want));

  it("Service: the whole object", () => {
    expect(buildPostgresqlService(rootForum())).to.deep.equal({
      apiVersion: "v1",
      kind: "Service",
      metadata: meta("root-forum", "postgresql", "root-forum-postgresql"),
      spec: {
        type: "ClusterIP",
        selector: selector("root-forum", "postgresql"),
        ports: [{ name: "postgresql", port: 5432, targetPort: "postgresql", protocol: "TCP" }],
      },
    });
  });

  it("init ConfigMap: the extensions SQL as 10-extensions.sql", () => {
    expect(buildPostgresqlInitConfigMap(rootForum())).to.deep.equal({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta("root-forum", "postgresql", "root-forum-postgresql-init"),
      data: { "10-extensions.sql": extensionsSql() },
    });
  });

  it("database claim resize: labels and storage only, no owner reference", () => {
    expect(buildDatabaseClaimResize(withSpec(rootForum(), (s) => { s.database.storage.size = "40Gi"; }))).to.deep.equal({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "data-root-forum-postgresql-0", namespace: "forums", labels: labels("root-forum", "postgresql") },
      spec: { resources: { requests: { storage: "40Gi" } } },
    });
  });
});
