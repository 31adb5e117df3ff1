/**
 * A backup that a restore is reading keeps its files (reconciler/backups/backups-in-use.ts),
 * on simulated nodes: the restore Job of a forum made from another forum's backup runs the
 * new forum's `spec.database.image`, and the marker image `registry.invalid/kwok-hold/…` of
 * test/envtest/kwok/stages.yaml keeps its pod running, so the cluster itself holds the Job
 * active (nothing in the product knows the marker). While it is active, retention of the
 * source forum does not prune the backup and deleting it waits (Event `BackupInUse`, no
 * cleanup Job); once the restore Job is gone, the deletion removes the files and finishes.
 */
import { expect } from "chai";
import { setTimeout as sleep } from "node:timers/promises";
import { installCrd, kubectl, newNamespace } from "../../hooks/control-plane.js";
import type { KubeObject } from "../../../reconciler/client/kube-client.js";
import { apply, credentialsSecret, discourseManifest, getObj, kubectlOk, reader, runReconciler, waitFor, type Running } from "../reconciler/helpers.js";

const DSC = "discourse.cern/v1alpha1";
const HOLD_IMAGE = "registry.invalid/kwok-hold/postgres:17";

const phase = (o: KubeObject | null): unknown => (o?.status as { phase?: unknown } | undefined)?.phase;

describe("a backup read by an active restore keeps its files (simulated nodes)", function () {
  this.timeout(300_000);
  let ns: string;
  let r: Running;

  before(async function () {
    this.timeout(120_000);
    await installCrd();
    ns = await newNamespace("backup-in-use");
    r = await runReconciler(ns, { backupTickMs: 1000 });
  });
  after(async () => r?.handle.stop());

  const spec = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ hostname: `${name}.web.cern.ch`, developerEmails: ["a@cern.ch"], ...extra });

  async function backup(name: string, forum: string): Promise<void> {
    const made = await kubectl(["create", "-n", ns, "-f", "-"], { input: JSON.stringify({ apiVersion: DSC, kind: "DiscourseBackup", metadata: { name }, spec: { discourse: forum } }) });
    expect(made.code, made.stderr).to.equal(0);
    await waitFor(`${name} Completed`, async () => phase(await getObj(DSC, "DiscourseBackup", ns, name)) === "Completed", 90_000);
  }

  async function eventsOf(forum: string, reason: string): Promise<string[]> {
    const list = await reader().list("v1", "Event", { namespace: ns });
    return (list.items as unknown as Array<{ involvedObject?: { name?: string }; reason?: string; message?: string }>)
      .filter((e) => e.involvedObject?.name === forum && e.reason === reason)
      .map((e) => e.message ?? "");
  }

  it("retention skips it and its deletion waits while the restore Job is active; the files go once it is gone", async () => {
    await apply(credentialsSecret(ns, "src"), discourseManifest(ns, { name: "src", spec: spec("src", { backup: { retention: 1 } }) }));
    await waitFor("src web Deployment", () => getObj("apps/v1", "Deployment", ns, "src-web"), 30_000);
    await backup("src-old", "src");

    // a new forum restoring from src-old; its restore pod runs and never finishes
    await apply(credentialsSecret(ns, "copy"), discourseManifest(ns, { name: "copy", spec: spec("copy", { restore: { backup: "src-old" }, database: { image: HOLD_IMAGE } }) }));
    await waitFor("copy-restore running", async () => ((await getObj("batch/v1", "Job", ns, "copy-restore"))?.status as { active?: number } | undefined)?.active === 1, 150_000, 500);

    // retention 1: a newer completed backup would prune src-old, but the restore reads it
    await backup("src-new", "src");
    await sleep(5000); // five ticks of the backup controller (backupTickMs 1000)
    const kept = await getObj(DSC, "DiscourseBackup", ns, "src-old");
    expect(phase(kept)).to.equal("Completed");
    expect(kept?.metadata.deletionTimestamp).to.equal(undefined);

    // deleting it by hand: held by its finalizer, no cleanup Job, an Event says why
    await kubectlOk(["delete", "-n", ns, "dscb", "src-old", "--wait=false"]);
    const why = await waitFor("BackupInUse Event", async () => (await eventsOf("src", "BackupInUse"))[0], 30_000);
    expect(why).to.equal("DiscourseBackup src-old is being deleted: its files are kept until restore Job copy-restore, which reads them, finished");
    await sleep(3000);
    const held = await getObj(DSC, "DiscourseBackup", ns, "src-old");
    expect(held?.metadata.deletionTimestamp).to.be.a("string");
    expect(await getObj("batch/v1", "Job", ns, "src-cleanup-old")).to.equal(null);
    expect((await getObj("batch/v1", "Job", ns, "copy-restore"))?.metadata.deletionTimestamp).to.equal(undefined);

    // the restore Job goes (its forum no longer finds a backup to restore from): the deletion finishes
    await kubectlOk(["delete", "-n", ns, "job", "copy-restore", "--cascade=background", "--wait=false"]);
    await waitFor("src-old gone", async () => (await getObj(DSC, "DiscourseBackup", ns, "src-old")) === null, 90_000);
    expect(await eventsOf("src", "BackupDeleted")).to.include("DiscourseBackup src-old deleted: its files were removed by Job src-cleanup-old");
    expect(phase(await getObj(DSC, "DiscourseBackup", ns, "src-new"))).to.equal("Completed");
  });
});
