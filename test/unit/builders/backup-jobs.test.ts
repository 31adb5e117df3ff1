/**
 * The backup children: the claim `<name>-backups`, the backup, cleanup and restore Jobs, and
 * their names. Whole objects where the shape is the contract; properties where a table reads
 * better (secrets only through secretKeyRef, names at most 63 characters).
 */
import { expect } from "chai";
import type { V1EnvVar, V1Job } from "@kubernetes/client-node";
import type { DiscourseBackup } from "../../../src/api/types.js";
import { buildBackupJob, buildCleanupJob } from "../../../reconciler/builders/backup-job.js";
import { backupJobName, backupLocation, cleanupJobName, dnsLabel, restoreJobName } from "../../../reconciler/builders/backup-names.js";
import { BACKUP_SCRIPT, CLEANUP_SCRIPT, RESTORE_SCRIPT } from "../../../reconciler/builders/backup-scripts.js";
import { buildBackupsClaim } from "../../../reconciler/builders/backups-claim.js";
import { buildRestoreJob } from "../../../reconciler/builders/restore-job.js";
import { marketplace, rootForum, withSpec } from "./fixtures.js";

function backup(name: string, discourse: string, namespace: string, status: DiscourseBackup["status"] = undefined): DiscourseBackup {
  return {
    apiVersion: "discourse.cern/v1alpha1",
    kind: "DiscourseBackup",
    metadata: { name, namespace, uid: "9c4b1f00-0000-4000-8000-00000000000b" },
    spec: { discourse, reason: "Manual" },
    ...(status ? { status } : {}),
  };
}

const env = (job: V1Job | null): V1EnvVar[] => job?.spec?.template.spec?.containers[0]?.env ?? [];
const envValue = (job: V1Job | null, name: string): string | undefined => env(job).find((e) => e.name === name)?.value;

describe("backup names", () => {
  const cases = [
    { name: "a backup named after its forum drops the prefix", got: backupJobName("blog", "blog-nightly"), want: "blog-backup-nightly" },
    { name: "any other name is kept", got: backupJobName("blog", "before-move"), want: "blog-backup-before-move" },
    { name: "dots become dashes", got: backupJobName("blog", "v3.5.2"), want: "blog-backup-v3-5-2" },
    { name: "cleanup", got: cleanupJobName("blog", "blog-nightly"), want: "blog-cleanup-nightly" },
    { name: "restore", got: restoreJobName("blog"), want: "blog-restore" },
    { name: "location", got: backupLocation("blog", "blog-nightly"), want: "pvc/blog-backups/blog-nightly" },
  ];
  for (const c of cases) it(c.name, () => expect(c.got).to.equal(c.want));

  it("a long name becomes a 63-character DNS label ending with a hash of the whole", () => {
    const a = backupJobName("a-forum-with-a-rather-long-name", "a-forum-with-a-rather-long-name-scheduled-20260502-0300");
    const b = backupJobName("a-forum-with-a-rather-long-name", "a-forum-with-a-rather-long-name-scheduled-20260502-0400");
    expect(a).to.have.length.at.most(63).and.match(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(a).to.not.equal(b);
    expect(dnsLabel("x".repeat(63))).to.equal("x".repeat(63));
  });
});

describe("buildBackupsClaim", () => {
  it("under Retain: ReadWriteOnce, sized by backup.storage, component backup, owned by nothing", () => {
    const obj = withSpec(rootForum(), (s) => (s.backup.storage = { size: "50Gi", storageClassName: "slow" }));
    expect(buildBackupsClaim(obj)).to.deep.equal({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: {
        name: "root-forum-backups",
        namespace: "forums",
        labels: {
          "app.kubernetes.io/name": "discourse",
          "app.kubernetes.io/instance": "root-forum",
          "app.kubernetes.io/component": "backup",
          "app.kubernetes.io/managed-by": "discourse-operator",
        },
      },
      spec: { accessModes: ["ReadWriteOnce"], volumeMode: "Filesystem", resources: { requests: { storage: "50Gi" } }, storageClassName: "slow" },
    });
  });
  it("under Delete: owned by the forum", () => {
    expect(buildBackupsClaim(marketplace()).metadata?.ownerReferences).to.deep.equal([
      { apiVersion: "discourse.cern/v1alpha1", kind: "Discourse", name: "marketplace", uid: "0b5e7c1e-2222-4a6b-9c1d-000000000002", controller: true, blockOwnerDeletion: true },
    ]);
  });
});

describe("buildBackupJob", () => {
  const managed = buildBackupJob(rootForum(), backup("root-forum-nightly", "root-forum", "forums"));
  const external = buildBackupJob(marketplace(), backup("before-move", "marketplace", "shop"));

  it("is named <forum>-backup-<backup>, component backup, owned by the DiscourseBackup", () => {
    expect(managed.metadata?.name).to.equal("root-forum-backup-nightly");
    expect(managed.metadata?.labels?.["app.kubernetes.io/component"]).to.equal("backup");
    expect(managed.metadata?.ownerReferences).to.deep.equal([
      { apiVersion: "discourse.cern/v1alpha1", kind: "DiscourseBackup", name: "root-forum-nightly", uid: "9c4b1f00-0000-4000-8000-00000000000b", controller: true, blockOwnerDeletion: true },
    ]);
  });

  it("runs the backup script with the postgres image of the server's major, as uid 1000", () => {
    const pod = managed.spec?.template.spec;
    const c = pod?.containers[0];
    // pgvector's image is the official postgres image of that major with one extension more.
    expect(c?.image).to.equal("docker.io/pgvector/pgvector:0.8.6-pg17");
    expect(external.spec?.template.spec?.containers[0]?.image).to.equal("docker.io/pgvector/pgvector:0.8.6-pg16");
    expect(c?.command).to.deep.equal(["/bin/sh", "-c", BACKUP_SCRIPT]);
    expect(pod?.securityContext).to.deep.include({ runAsNonRoot: true, runAsUser: 1000, fsGroup: 1000 });
    expect(c?.terminationMessagePolicy).to.equal("FallbackToLogsOnError");
    expect(pod?.restartPolicy).to.equal("Never");
  });

  it("reaches the managed database by its Service and an external one by its host; the password only through secretKeyRef", () => {
    expect(envValue(managed, "PGHOST")).to.equal("root-forum-postgresql");
    expect(envValue(external, "PGHOST")).to.equal("dbod-market.cern.ch");
    expect(envValue(external, "PGPORT")).to.equal("6600");
    expect(envValue(external, "PGSSLMODE")).to.equal("require");
    expect(envValue(managed, "PGDATABASE")).to.equal("root_forum");
    for (const job of [managed, external]) {
      const password = env(job).find((e) => e.name === "PGPASSWORD");
      expect(password).to.deep.equal({ name: "PGPASSWORD", valueFrom: { secretKeyRef: { name: job === managed ? "root-forum-db-credentials" : "marketplace-db-credentials", key: "password" } } });
      expect(env(job).filter((e) => e.value !== undefined && /password|secret/i.test(e.name))).to.deep.equal([]);
    }
  });

  it("mounts the backups claim read-write and the uploads read-only", () => {
    const pod = managed.spec?.template.spec;
    expect(pod?.volumes).to.deep.equal([
      { name: "backups", persistentVolumeClaim: { claimName: "root-forum-backups", readOnly: false } },
      { name: "uploads", persistentVolumeClaim: { claimName: "root-forum-uploads", readOnly: true } },
    ]);
    expect(pod?.containers[0]?.volumeMounts).to.deep.equal([
      { name: "backups", mountPath: "/backups", readOnly: false },
      { name: "uploads", mountPath: "/uploads", readOnly: true },
    ]);
    expect(envValue(managed, "BACKUP_NAME")).to.equal("root-forum-nightly");
  });

  it("with ReadWriteOnce uploads, lands on the node of the pods that mount them", () => {
    expect(external.spec?.template.metadata?.labels?.["discourse.cern/uploads"]).to.equal("marketplace");
    expect(external.spec?.template.spec?.affinity).to.deep.equal({
      podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { "discourse.cern/uploads": "marketplace" } }, topologyKey: "kubernetes.io/hostname" }] },
    });
    expect(managed.spec?.template.spec?.affinity).to.equal(undefined);
  });
});

describe("buildCleanupJob", () => {
  it("removes one backup's files, owned by nothing, gone 10 minutes after it finished", () => {
    const job = buildCleanupJob("root-forum", "forums", "root-forum-nightly", "docker.io/pgvector/pgvector:0.8.6-pg17");
    expect(job.metadata?.name).to.equal("root-forum-cleanup-nightly");
    expect(job.metadata?.ownerReferences).to.equal(undefined);
    expect(job.spec?.ttlSecondsAfterFinished).to.equal(600);
    expect(job.spec?.template.spec?.containers[0]?.command).to.deep.equal(["/bin/sh", "-c", CLEANUP_SCRIPT]);
    expect(envValue(job, "BACKUP_NAME")).to.equal("root-forum-nightly");
    expect(job.metadata?.labels?.["app.kubernetes.io/instance"]).to.equal("root-forum");
  });
});

describe("buildRestoreJob", () => {
  const restored = withSpec(marketplace(), (s) => (s.restore = { backup: "old-nightly" }));
  const source = backup("old-nightly", "old-market", "shop", { phase: "Completed", sha256: { "manifest.json": "ab".repeat(32) } });

  it("is null without spec.restore", () => expect(buildRestoreJob(marketplace(), source)).to.equal(null));

  it("reads the source forum's backups read-only, writes the new forum's uploads and database", () => {
    const job = buildRestoreJob(restored, source);
    expect(job?.metadata?.name).to.equal("marketplace-restore");
    expect(job?.metadata?.labels?.["app.kubernetes.io/component"]).to.equal("restore");
    expect(job?.spec?.template.spec?.containers[0]?.command).to.deep.equal(["/bin/sh", "-c", RESTORE_SCRIPT]);
    expect(job?.spec?.template.spec?.volumes).to.deep.equal([
      { name: "backups", persistentVolumeClaim: { claimName: "old-market-backups", readOnly: true } },
      { name: "uploads", persistentVolumeClaim: { claimName: "marketplace-uploads", readOnly: false } },
    ]);
    expect(envValue(job, "BACKUP_DIR")).to.equal("/backups/old-nightly");
    expect(envValue(job, "MANIFEST_SHA256")).to.equal("ab".repeat(32));
    expect(envValue(job, "PGUSER")).to.equal("marketplace");
  });

  it("checks the manifest against a recorded sha256 only when the backup recorded one", () => {
    const job = buildRestoreJob(restored, backup("old-nightly", "old-market", "shop", { phase: "Completed" }));
    expect(envValue(job, "MANIFEST_SHA256")).to.equal(undefined);
  });
});
