import { expect } from "chai";
import { noCleanupReason } from "../../../reconciler/backups/finalize-backup.js";
import type { KubeObject } from "../../../reconciler/client/kube-client.js";

const claim = (labels: Record<string, string> = {}, deleting = false): KubeObject => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: { name: "f-backups", labels, ...(deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}) },
});
const forum = (deletionPolicy: string, deleting = false): KubeObject => ({
  apiVersion: "discourse.cern/v1alpha1",
  kind: "Discourse",
  metadata: { name: "f", ...(deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}) },
  spec: { deletionPolicy },
});

describe("backups: when deleting a DiscourseBackup removes its files", () => {
  const cases: { name: string; claim?: KubeObject; forum?: KubeObject; keeps: boolean }[] = [
    { name: "the volume is gone: nothing to remove", keeps: true },
    { name: "the volume is being deleted: the files go with it", claim: claim({}, true), forum: forum("Delete"), keeps: true },
    { name: "the forum is being deleted under Retain: kept", claim: claim(), forum: forum("Retain", true), keeps: true },
    { name: "the forum is gone and Retain released the volume: kept (a later delete of the backups takes nothing)", claim: claim({ "discourse.cern/retained": "true" }), keeps: true },
    { name: "a running forum, a backup deleted by hand: removed", claim: claim(), forum: forum("Retain"), keeps: false },
    { name: "the forum is being deleted under Delete: removed", claim: claim(), forum: forum("Delete", true), keeps: false },
  ];
  for (const c of cases) {
    it(c.name, () => expect(noCleanupReason(c.claim, c.forum, "f-backups") !== null).to.equal(c.keeps));
  }
});
