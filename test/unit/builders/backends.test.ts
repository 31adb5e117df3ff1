import { expect } from "chai";
import { buildDatabaseClaimResize } from "../../../reconciler/builders/database-claim.js";
import { buildPostgresqlInitConfigMap } from "../../../reconciler/builders/postgresql-init-configmap.js";
import { buildPostgresqlService } from "../../../reconciler/builders/postgresql-service.js";
import { buildPostgresqlStatefulSet } from "../../../reconciler/builders/postgresql-statefulset.js";
import { buildRedisDeployment } from "../../../reconciler/builders/redis-deployment.js";
import { buildRedisService } from "../../../reconciler/builders/redis-service.js";
import type { DefaultedDiscourse } from "../../../src/api/types.js";
import { rootForum, withSpec } from "./fixtures.js";
import { labels, meta, restrictedContainer, restrictedPod, selector } from "./expected.js";

function expectedRedis(command: string[], env?: unknown[]) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta("root-forum", "redis", "root-forum-redis"),
    spec: {
      replicas: 1,
      selector: { matchLabels: selector("root-forum", "redis") },
      strategy: { type: "Recreate" },
      template: {
        metadata: { labels: labels("root-forum", "redis") },
        spec: {
          automountServiceAccountToken: false,
          enableServiceLinks: false,
          securityContext: restrictedPod(999),
          containers: [
            {
              name: "redis",
              image: "docker.io/library/redis:7.4",
              imagePullPolicy: "IfNotPresent",
              command,
              ...(env ? { env } : {}),
              ports: [{ name: "redis", containerPort: 6379, protocol: "TCP" }],
              readinessProbe: { tcpSocket: { port: "redis" }, periodSeconds: 10, timeoutSeconds: 5 },
              livenessProbe: { tcpSocket: { port: "redis" }, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
              resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "512Mi" } },
              volumeMounts: [{ name: "data", mountPath: "/data" }],
              securityContext: restrictedContainer,
            },
          ],
          volumes: [{ name: "data", emptyDir: {} }],
        },
      },
    },
  };
}

describe("builders/redis", () => {
  const cases = [
    { name: "managed, no password", obj: rootForum(), want: expectedRedis(["redis-server"]) },
    {
      name: "managed, password from spec.redis.passwordSecret",
      obj: withSpec(rootForum(), (s) => { s.redis.passwordSecret = { name: "redis-auth", key: "password" }; }),
      want: expectedRedis(
        ["redis-server", "--requirepass", "$(REDIS_PASSWORD)"],
        [{ name: "REDIS_PASSWORD", valueFrom: { secretKeyRef: { name: "redis-auth", key: "password" } } }],
      ),
    },
  ];
  for (const c of cases) it(`Deployment: ${c.name}`, () => expect(buildRedisDeployment(c.obj)).to.deep.equal(c.want));

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

function expectedStatefulSet(o: { image: string; mountPath: string; pgdata?: string; whenDeleted: string; storage: string }) {
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
          securityContext: restrictedPod(999),
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
  const cases: { name: string; obj: DefaultedDiscourse; opts?: { liveDatabaseClaimTemplateStorage: string }; want: unknown }[] = [
    {
      name: "PostgreSQL 17, Retain: data in /var/lib/postgresql/data/pgdata, claim kept on deletion",
      obj: rootForum(),
      want: expectedStatefulSet({
        image: "docker.io/library/postgres:17",
        mountPath: "/var/lib/postgresql/data",
        pgdata: "/var/lib/postgresql/data/pgdata",
        whenDeleted: "Retain",
        storage: "20Gi",
      }),
    },
    {
      name: "PostgreSQL 18, Delete: volume at /var/lib/postgresql, image's PGDATA, claim deleted with it",
      obj: withSpec(rootForum(), (s) => { s.database.version = "18"; s.deletionPolicy = "Delete"; }),
      want: expectedStatefulSet({ image: "docker.io/library/postgres:18", mountPath: "/var/lib/postgresql", whenDeleted: "Delete", storage: "20Gi" }),
    },
    {
      name: "a live claim template is kept (volumeClaimTemplates are immutable)",
      obj: withSpec(rootForum(), (s) => { s.database.storage.size = "40Gi"; }),
      opts: { liveDatabaseClaimTemplateStorage: "20Gi" },
      want: expectedStatefulSet({
        image: "docker.io/library/postgres:17",
        mountPath: "/var/lib/postgresql/data",
        pgdata: "/var/lib/postgresql/data/pgdata",
        whenDeleted: "Retain",
        storage: "20Gi",
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

  it("init ConfigMap: creates hstore and pg_trgm", () => {
    expect(buildPostgresqlInitConfigMap(rootForum())).to.deep.equal({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta("root-forum", "postgresql", "root-forum-postgresql-init"),
      data: { "10-extensions.sql": "CREATE EXTENSION IF NOT EXISTS hstore;\nCREATE EXTENSION IF NOT EXISTS pg_trgm;\n" },
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
