/**
 * DiscourseBackup on the local control plane with simulated nodes (KWOK, test/envtest/kwok/stages.yaml):
 * the cluster produces every state (a Job completes or fails on a node; no status is written
 * by hand). `kubectl create` of a DiscourseBackup goes to Completed; `kubectl get dscb` shows
 * the contract's columns; retention keeps only N and removes the others' files (cleanup Job);
 * a schedule makes a Scheduled backup; a backup whose pod fails (the failure marker image of
 * the stages) goes to Failed with a Warning Event on the forum.
 */
import { expect } from "chai";
import { installCrd, kubectl, newNamespace } from "../../hooks/control-plane.js";
import type { KubeObject } from "../../../reconciler/client/kube-client.js";
import { apply, credentialsSecret, discourseManifest, getObj, kubectlOk, reader, runReconciler, waitFor, type Running } from "../reconciler/helpers.js";

const DSC = "discourse.cern/v1alpha1";
const FAILING_IMAGE = "registry.invalid/kwok-fail/postgres:17";

const phase = (o: KubeObject | null): unknown => (o?.status as { phase?: unknown } | undefined)?.phase;

describe("DiscourseBackup on simulated nodes", function () {
  this.timeout(240_000);
  let ns: string;
  let r: Running;

  before(async function () {
    this.timeout(120_000);
    await installCrd();
    ns = await newNamespace("backups");
    r = await runReconciler(ns, { backupTickMs: 1000 });
  });
  after(async () => r?.handle.stop());

  async function createForum(name: string, spec: Record<string, unknown> = {}): Promise<void> {
    await apply(credentialsSecret(ns, name), discourseManifest(ns, { name, spec: { hostname: `${name}.web.cern.ch`, developerEmails: ["a@cern.ch"], ...spec } }));
    await waitFor(`${name} web Deployment`, () => getObj("apps/v1", "Deployment", ns, `${name}-web`), 30_000);
  }

  async function backupOf(name: string): Promise<KubeObject | null> {
    return getObj(DSC, "DiscourseBackup", ns, name);
  }

  async function create(name: string, forum: string): Promise<void> {
    const r2 = await kubectl(["create", "-n", ns, "-f", "-"], {
      input: JSON.stringify({ apiVersion: DSC, kind: "DiscourseBackup", metadata: { name }, spec: { discourse: forum } }),
    });
    if (r2.code === 0) return;
    // a retried test (retries in .mocharc.integration.json) finds the backup its first attempt made
    const made = /AlreadyExists/.test(r2.stderr) ? await backupOf(name) : null;
    if ((made?.spec as { discourse?: string } | undefined)?.discourse !== forum) throw new Error(r2.stderr);
  }

  async function events(forum: string): Promise<string[]> {
    const list = await reader().list("v1", "Event", { namespace: ns });
    return (list.items as unknown as Array<{ involvedObject?: { name?: string }; reason?: string; message?: string }>)
      .filter((e) => e.involvedObject?.name === forum)
      .map((e) => `${e.reason ?? ""}: ${e.message ?? ""}`);
  }

  it("kubectl create of a DiscourseBackup goes to Completed: its Job ran on a node, the volume exists, Events on the forum", async () => {
    await createForum("blog");
    await create("blog-manual", "blog");
    const done = await waitFor("blog-manual Completed", async () => {
      const b = await backupOf("blog-manual");
      return phase(b) === "Completed" ? b : null;
    }, 90_000);
    const status = done.status as Record<string, unknown>;
    expect(status.location).to.equal("pvc/blog-backups/blog-manual");
    expect(status.jobName).to.equal("blog-backup-manual");
    expect(status.startedAt).to.be.a("string");
    expect(status.completedAt).to.be.a("string");
    expect(done.metadata.finalizers).to.include("discourse.cern/backup-files");
    const job = await getObj("batch/v1", "Job", ns, "blog-backup-manual");
    expect(job?.metadata.labels?.["app.kubernetes.io/component"]).to.equal("backup");
    expect((job?.status as { succeeded?: number }).succeeded).to.equal(1);
    const claim = await getObj("v1", "PersistentVolumeClaim", ns, "blog-backups");
    expect(claim?.metadata.labels?.["app.kubernetes.io/component"]).to.equal("backup");
    await waitFor("BackupCompleted Event", async () => (await events("blog")).some((e) => e.startsWith("BackupCompleted: DiscourseBackup blog-manual")), 15_000);
  });

  it("kubectl get dscb shows Discourse, Reason, Phase, Size and Age", async () => {
    const out = await kubectlOk(["get", "dscb", "-n", ns, "blog-manual"]);
    const [header, row] = out.trim().split("\n");
    expect(header?.split(/\s+/)).to.deep.equal(["NAME", "DISCOURSE", "REASON", "PHASE", "SIZE", "AGE"]);
    expect(row?.split(/\s+/).slice(0, 4)).to.deep.equal(["blog-manual", "blog", "Manual", "Completed"]);
  });

  it("kubectl explain dscb.spec prints the schema's descriptions", async () => {
    const out = (await kubectlOk(["explain", "dscb.spec"])).replace(/\s+/g, " ");
    expect(out).to.include("Name of the Discourse in the same namespace whose database and uploads are backed up; immutable.");
    expect(out).to.include("Defaults to Manual.");
  });

  it("retention keeps only the newest N completed backups and removes the others' files", async () => {
    for (const name of ["blog-second", "blog-third"]) await create(name, "blog");
    for (const name of ["blog-second", "blog-third"]) await waitFor(`${name} Completed`, async () => phase(await backupOf(name)) === "Completed", 90_000);
    await apply(discourseManifest(ns, { name: "blog", spec: { hostname: "blog.web.cern.ch", developerEmails: ["a@cern.ch"], backup: { retention: 2 } } }));
    await waitFor("the oldest backup gone", async () => (await backupOf("blog-manual")) === null, 90_000);
    expect(phase(await backupOf("blog-second"))).to.equal("Completed");
    expect(phase(await backupOf("blog-third"))).to.equal("Completed");
    const cleanup = await getObj("batch/v1", "Job", ns, "blog-cleanup-manual");
    expect(cleanup === null || (cleanup.status as { succeeded?: number }).succeeded === 1, "the cleanup Job ran (or already expired)").to.equal(true);
    expect(r.messages()).to.include("deleted DiscourseBackup blog-manual: more than 2 completed backups of blog (backup.retention)");
  });

  it("a schedule makes a Scheduled backup once its time comes", async () => {
    await apply(discourseManifest(ns, { name: "blog", spec: { hostname: "blog.web.cern.ch", developerEmails: ["a@cern.ch"], backup: { retention: 2, schedule: "* * * * *" } } }));
    const scheduled = await waitFor("a Scheduled backup", async () => {
      const list = await reader().list(DSC, "DiscourseBackup", { namespace: ns });
      return list.items.find((b) => (b.spec as { reason?: string }).reason === "Scheduled") ?? null;
    }, 90_000);
    expect(scheduled.metadata.name).to.match(/^blog-\d{8}-\d{4}$/);
    expect(scheduled.metadata.labels?.["discourse.cern/backup-reason"]).to.equal("Scheduled");
    await waitFor("the Scheduled backup Completed", async () => phase(await backupOf(scheduled.metadata.name)) === "Completed", 90_000);
    await apply(discourseManifest(ns, { name: "blog", spec: { hostname: "blog.web.cern.ch", developerEmails: ["a@cern.ch"], backup: { retention: 2 } } }));
  });

  it("a backup whose pod fails goes to Failed, with a Warning Event on the forum", async () => {
    await createForum("broken", { database: { image: FAILING_IMAGE } });
    await create("broken-manual", "broken");
    const failed = await waitFor("broken-manual Failed", async () => {
      const b = await backupOf("broken-manual");
      return phase(b) === "Failed" ? b : null;
    }, 120_000);
    expect((failed.status as { message?: string }).message).to.match(/^backup Job broken-backup-manual failed \(BackoffLimitExceeded/);
    await waitFor("BackupFailed Event", async () => (await events("broken")).some((e) => e.startsWith("BackupFailed: DiscourseBackup broken-manual")), 15_000);
  });
});
