/**
 * The backups work in the forum's lifecycle, on simulated nodes (the cluster produces every
 * state): a new version first makes a BeforeUpgrade backup, and the pre-deployment migration
 * Job is created only after it completed (creation timestamps and Events in order); a
 * failing backup stops the upgrade (Degraded, BackupFailed) with the old code serving; a new
 * forum with `restore.backup` runs its restore Job before its first migration; a backup that
 * a restore reads keeps its files (reconciler/backups/backups-in-use.ts): the marker image
 * `registry.invalid/kwok-hold/…` of test/envtest/kwok/stages.yaml, as the restoring forum's
 * `database.image`, keeps its restore pod running, so the cluster itself holds the Job active
 * (nothing in the product knows the marker). While it is active, retention of the source
 * forum does not prune the backup and deleting it waits (Event `BackupInUse`, no cleanup
 * Job); once the restore Job is gone, the deletion removes the files and finishes.
 */
import { expect } from "chai";
import { setTimeout as sleep } from "node:timers/promises";
import { attemptName } from "../../hooks/attempt.js";
import { installCrd, kubectl, newNamespace } from "../../hooks/control-plane.js";
import type { KubeObject } from "../../../reconciler/client/kube-client.js";
import { apply, credentialsSecret, discourseManifest, getObj, kubectlOk, reader, runReconciler, waitFor, type Running } from "../reconciler/helpers.js";

const DSC = "discourse.cern/v1alpha1";
const FAILING_IMAGE = "registry.invalid/kwok-fail/postgres:17";
const HOLD_IMAGE = "registry.invalid/kwok-hold/postgres:17";
const NEXT = "2026.1.2";

type Condition = { type: string; status: string; reason: string; message: string };
const condition = (o: KubeObject | null, type: string): Condition | undefined => ((o?.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find((c) => c.type === type);
const time = (v: unknown): number => Date.parse(String(v));
const phase = (o: KubeObject | null): unknown => (o?.status as { phase?: unknown } | undefined)?.phase;

describe("backups in the forum's lifecycle (simulated nodes)", function () {
  this.timeout(300_000);
  let ns: string;
  let r: Running;

  before(async function () {
    this.timeout(120_000);
    await installCrd();
    ns = await newNamespace("backup-life");
    r = await runReconciler(ns, { backupTickMs: 1000 });
  });
  after(async () => r?.handle.stop());

  const spec = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ hostname: `${name}.web.cern.ch`, developerEmails: ["a@cern.ch"], ...extra });

  async function readyForum(name: string, extra: Record<string, unknown> = {}): Promise<void> {
    await apply(credentialsSecret(ns, name), discourseManifest(ns, { name, spec: spec(name, extra) }));
    await waitFor(`${name} Ready`, async () => condition(await getObj(DSC, "Discourse", ns, name), "Ready")?.status === "True", 150_000, 500);
  }

  async function jobs(prefix: string): Promise<KubeObject[]> {
    return (await reader().list("batch/v1", "Job", { namespace: ns })).items.filter((j) => j.metadata.name.startsWith(prefix));
  }

  async function backups(reason: string, forum: string): Promise<KubeObject[]> {
    return (await reader().list(DSC, "DiscourseBackup", { namespace: ns })).items.filter((b) => (b.spec as { reason?: string; discourse?: string }).reason === reason && (b.spec as { discourse?: string }).discourse === forum);
  }

  async function eventReasons(forum: string): Promise<Array<{ reason: string; message: string; at: number }>> {
    const list = await reader().list("v1", "Event", { namespace: ns });
    return (list.items as unknown as Array<{ involvedObject?: { name?: string }; reason?: string; message?: string; firstTimestamp?: string }>)
      .filter((e) => e.involvedObject?.name === forum)
      .map((e) => ({ reason: e.reason ?? "", message: e.message ?? "", at: time(e.firstTimestamp) }));
  }

  async function completedBackup(name: string, forum: string): Promise<void> {
    const made = await kubectl(["create", "-n", ns, "-f", "-"], { input: JSON.stringify({ apiVersion: DSC, kind: "DiscourseBackup", metadata: { name }, spec: { discourse: forum } }) });
    expect(made.code, made.stderr).to.equal(0);
    await waitFor(`${name} Completed`, async () => phase(await getObj(DSC, "DiscourseBackup", ns, name)) === "Completed", 90_000);
  }

  let upForum = "";
  it("changing spec.version makes a BeforeUpgrade backup complete before the migration Job exists", async function () {
    upForum = attemptName(this, "up");
    const up = upForum;
    await readyForum(up);
    const before = new Set((await jobs(`${up}-migrate-`)).map((j) => j.metadata.name));
    await apply(discourseManifest(ns, { name: up, spec: spec(up, { version: NEXT }) }));
    const backup = await waitFor("the BeforeUpgrade backup", async () => (await backups("BeforeUpgrade", up))[0], 30_000);
    expect(backup.metadata.name).to.match(new RegExp(`^${up}-before-2026-1-2-[0-9a-f]{12}$`));
    const pre = await waitFor("the new pre-deployment Job", async () => (await jobs(`${up}-migrate-2026-1-2-`)).find((j) => !before.has(j.metadata.name) && j.metadata.name.endsWith("-pre")), 120_000);
    const done = (await getObj(DSC, "DiscourseBackup", ns, backup.metadata.name))!;
    expect((done.status as { phase?: string }).phase).to.equal("Completed");
    expect(time(pre.metadata.creationTimestamp)).to.be.at.least(time((done.status as { completedAt?: string }).completedAt));
    const events = await eventReasons(up);
    const made = events.find((e) => e.reason === "BackupBeforeUpgrade");
    const completed = events.find((e) => e.reason === "BackupCompleted" && e.message.includes(backup.metadata.name));
    const created = events.find((e) => e.reason === "Created" && e.message.split(", ").some((part) => part.endsWith(`Job ${pre.metadata.name}`)));
    expect(made && completed && created, JSON.stringify(events)).to.not.equal(undefined);
    expect(made!.at).to.be.at.most(completed!.at);
    expect(completed!.at).to.be.at.most(created!.at);
  });

  it("a failing backup stops the upgrade: Degraded, BackupFailed, the old version keeps serving, no migration Job", async function () {
    const stuck = attemptName(this, "stuck");
    await readyForum(stuck, { database: { image: FAILING_IMAGE } });
    const web = await getObj("apps/v1", "Deployment", ns, `${stuck}-web`);
    const image = (web?.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0]?.image;
    await apply(discourseManifest(ns, { name: stuck, spec: spec(stuck, { database: { image: FAILING_IMAGE }, version: NEXT }) }));
    const dsc = await waitFor("Degraded BackupFailed", async () => {
      const o = await getObj(DSC, "Discourse", ns, stuck);
      return condition(o, "Degraded")?.reason === "BackupFailed" ? o : null;
    }, 150_000, 500).catch(async (err: unknown) => {
      console.log(JSON.stringify({ forum: (await getObj(DSC, "Discourse", ns, stuck))?.status, backups: (await backups("BeforeUpgrade", stuck)).map((b) => b.status), jobs: (await jobs(`${stuck}-backup`)).map((j) => j.status) }, null, 1));
      throw err;
    });
    expect(condition(dsc, "Degraded")?.message).to.match(new RegExp(`^the backup before the upgrade, DiscourseBackup ${stuck}-before-2026-1-2-[0-9a-f]{12}, failed`));
    expect(await jobs(`${stuck}-migrate-2026-1-2-`)).to.deep.equal([]);
    const webNow = await getObj("apps/v1", "Deployment", ns, `${stuck}-web`);
    expect((webNow?.spec as { template: { spec: { containers: Array<{ image: string }> } } }).template.spec.containers[0]?.image).to.equal(image);
    await waitFor("BackupFailed Event", async () => (await eventReasons(stuck)).some((e) => e.reason === "BackupFailed"), 15_000);
  });

  it("a new forum with restore.backup runs its restore Job before its first migration", async function () {
    const [manual, copy] = [attemptName(this, `${upForum}-manual`), attemptName(this, "copy")];
    await completedBackup(manual, upForum);
    await apply(credentialsSecret(ns, copy), discourseManifest(ns, { name: copy, spec: spec(copy, { restore: { backup: manual } }) }));
    const pre = await waitFor(`${copy}'s first migration Job`, async () => (await jobs(`${copy}-migrate-`)).find((j) => j.metadata.name.endsWith("-pre")), 150_000);
    const restore = await getObj("batch/v1", "Job", ns, `${copy}-restore`);
    expect(restore?.metadata.labels?.["app.kubernetes.io/component"]).to.equal("restore");
    expect((restore?.status as { succeeded?: number }).succeeded).to.equal(1);
    expect(time(pre.metadata.creationTimestamp)).to.be.at.least(time((restore?.status as { completionTime?: string }).completionTime));
    const container = (restore?.spec as { template: { spec: { containers: Array<{ env: Array<{ name: string; value?: string }> }>; volumes: Array<{ persistentVolumeClaim?: { claimName: string } }> } } }).template.spec;
    expect(container.containers[0]?.env.find((e) => e.name === "BACKUP_DIR")?.value).to.equal(`/backups/${manual}`);
    expect(container.volumes.map((v) => v.persistentVolumeClaim?.claimName)).to.deep.equal([`${upForum}-backups`, `${copy}-uploads`]);
    const restored = await waitFor(`${copy}'s status names its backup`, async () => {
      const o = await getObj(DSC, "Discourse", ns, copy);
      return (o?.status as { restoredFrom?: string } | undefined)?.restoredFrom ? o : null;
    }, 30_000);
    expect((restored.status as { restoredFrom?: string }).restoredFrom).to.equal(manual);
  });

  it("a backup an active restore reads: retention skips it and its deletion waits; the files go once the restore Job is gone", async function () {
    const [src, rdr] = [attemptName(this, "src"), attemptName(this, "reader")];
    const [old, recent] = [`${src}-old`, `${src}-new`];
    await apply(credentialsSecret(ns, src), discourseManifest(ns, { name: src, spec: spec(src, { backup: { retention: 1 } }) }));
    await waitFor(`${src} web Deployment`, () => getObj("apps/v1", "Deployment", ns, `${src}-web`), 30_000);
    await completedBackup(old, src);

    // a new forum restoring from the old backup; its restore pod runs and never finishes
    await apply(credentialsSecret(ns, rdr), discourseManifest(ns, { name: rdr, spec: spec(rdr, { restore: { backup: old }, database: { image: HOLD_IMAGE } }) }));
    await waitFor(`${rdr}-restore running`, async () => ((await getObj("batch/v1", "Job", ns, `${rdr}-restore`))?.status as { active?: number } | undefined)?.active === 1, 150_000, 500);

    // retention 1: a newer completed backup would prune the old one, but the restore reads it
    await completedBackup(recent, src);
    await sleep(5000); // five ticks of the backup controller (backupTickMs 1000)
    const kept = await getObj(DSC, "DiscourseBackup", ns, old);
    expect(phase(kept)).to.equal("Completed");
    expect(kept?.metadata.deletionTimestamp).to.equal(undefined);

    // deleting it by hand: held by its finalizer, no cleanup Job, an Event says why
    await kubectlOk(["delete", "-n", ns, "dscb", old, "--wait=false"]);
    const why = await waitFor("BackupInUse Event", async () => (await eventReasons(src)).find((e) => e.reason === "BackupInUse"), 30_000);
    expect(why.message).to.equal(`DiscourseBackup ${old} is being deleted: its files are kept until restore Job ${rdr}-restore, which reads them, finished`);
    await sleep(3000);
    expect((await getObj(DSC, "DiscourseBackup", ns, old))?.metadata.deletionTimestamp).to.be.a("string");
    expect(await getObj("batch/v1", "Job", ns, `${src}-cleanup-old`)).to.equal(null);
    expect((await getObj("batch/v1", "Job", ns, `${rdr}-restore`))?.metadata.deletionTimestamp).to.equal(undefined);

    // the restore Job goes (its forum no longer finds a backup to restore from): the deletion finishes
    await kubectlOk(["delete", "-n", ns, "job", `${rdr}-restore`, "--cascade=background", "--wait=false"]);
    await waitFor(`${old} gone`, async () => (await getObj(DSC, "DiscourseBackup", ns, old)) === null, 90_000);
    expect((await eventReasons(src)).map((e) => e.message)).to.include(`DiscourseBackup ${old} deleted: its files were removed by Job ${src}-cleanup-old`);
    expect(phase(await getObj(DSC, "DiscourseBackup", ns, recent))).to.equal("Completed");
  });
});
