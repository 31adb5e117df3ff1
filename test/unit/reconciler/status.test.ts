import { expect } from "chai";
import { setConditions } from "../../../reconciler/status/conditions.js";
import { computeStatus, type StatusFacts } from "../../../reconciler/status/compute-status.js";
import { planVersion } from "../../../reconciler/steps/plan-version.js";
import { findOrphanSecrets } from "../../../reconciler/steps/orphan-secrets.js";
import type { KubeObject } from "../../../reconciler/client/kube-client.js";
import type { DefaultedDiscourse } from "../../../src/api/types.js";

const T0 = "2026-01-01T00:00:00.000Z";
const T1 = "2026-01-01T00:01:00.000Z";

describe("setConditions", () => {
  it("keeps lastTransitionTime when the status does not change, moves it when it does", () => {
    const first = setConditions(undefined, [{ type: "Ready", status: "False", reason: "NotReady", message: "0/1" }, { type: "Paused", status: "False", reason: "Reconciling", message: "" }], 1, T0);
    const second = setConditions(first, [{ type: "Ready", status: "True", reason: "Ready", message: "1/1" }, { type: "Paused", status: "False", reason: "Reconciling", message: "x" }], 2, T1);
    expect(second).to.deep.equal([
      { type: "Ready", status: "True", reason: "Ready", message: "1/1", lastTransitionTime: T1, observedGeneration: 2 },
      { type: "Paused", status: "False", reason: "Reconciling", message: "x", lastTransitionTime: T0, observedGeneration: 2 },
    ]);
  });
});

const web = (ready: number, replicas = 3): KubeObject => ({ apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "f-web", generation: 2 }, status: { observedGeneration: 2, readyReplicas: ready, updatedReplicas: replicas } });
const base: StatusFacts = { generation: 4, hostname: "f.web.cern.ch", version: "3.5.2", desiredReplicas: 3, managedDatabase: true, dbInitRequired: false, migrationFailed: false };
const pg = (ready: number): KubeObject => ({ apiVersion: "apps/v1", kind: "StatefulSet", metadata: { name: "f-postgresql" }, status: { readyReplicas: ready } });

describe("computeStatus", () => {
  const cases: { name: string; facts: StatusFacts; want: { phase: string; conditions: string[]; readyReplicas: number } }[] = [
    { name: "nothing created yet", facts: base, want: { phase: "Pending", readyReplicas: 0, conditions: ["Ready=False/DatabaseNotReady", "Progressing=True/RollingOut", "Degraded=False/AsExpected", "DatabaseReady=False/Starting", "Paused=False/Reconciling"] } },
    { name: "all ready", facts: { ...base, web: web(3), postgres: pg(1) }, want: { phase: "Running", readyReplicas: 3, conditions: ["Ready=True/Ready", "Progressing=False/Complete", "Degraded=False/AsExpected", "DatabaseReady=True/Ready", "Paused=False/Reconciling"] } },
    { name: "rolling out", facts: { ...base, web: web(1), postgres: pg(1) }, want: { phase: "Provisioning", readyReplicas: 1, conditions: ["Ready=False/NotReady", "Progressing=True/RollingOut", "Degraded=False/AsExpected", "DatabaseReady=True/Ready", "Paused=False/Reconciling"] } },
    { name: "credentials missing", facts: { ...base, web: web(0), credentialsMissing: "f-db-credentials" }, want: { phase: "Provisioning", readyReplicas: 0, conditions: ["Ready=False/DatabaseNotReady", "Progressing=True/RollingOut", "Degraded=False/AsExpected", "DatabaseReady=False/CredentialsMissing", "Paused=False/Reconciling"] } },
    { name: "waiting for a migration", facts: { ...base, web: web(3), postgres: pg(1), waitingForMigration: "f-migrate-3-5-2" }, want: { phase: "Upgrading", readyReplicas: 3, conditions: ["Ready=True/Ready", "Progressing=True/Upgrading", "Degraded=False/AsExpected", "DatabaseReady=True/Ready", "Paused=False/Reconciling"] } },
    { name: "a failed write", facts: { ...base, web: web(3), postgres: pg(1), applyError: "Service f-web: HTTP 422" }, want: { phase: "Degraded", readyReplicas: 3, conditions: ["Ready=True/Ready", "Progressing=False/Complete", "Degraded=True/ApplyFailed", "DatabaseReady=True/Ready", "Paused=False/Reconciling"] } },
    { name: "external database, no admin secret", facts: { ...base, managedDatabase: false, desiredReplicas: 0, web: web(0, 0) }, want: { phase: "Provisioning", readyReplicas: 0, conditions: ["Ready=False/ScaledToZero", "Progressing=False/Complete", "Degraded=False/AsExpected", "DatabaseReady=True/External", "Paused=False/Reconciling"] } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = computeStatus(undefined, c.facts, T0);
      expect({ phase: s.phase, readyReplicas: s.readyReplicas, conditions: (s.conditions ?? []).map((x) => `${x.type}=${x.status}/${x.reason}`) }).to.deep.equal(c.want);
      expect([s.url, s.version, s.observedGeneration]).to.deep.equal(["https://f.web.cern.ch", "3.5.2", 4]);
    });
  }
});

describe("planVersion", () => {
  const obj = (version: string, running?: string) => ({ metadata: { name: "f" }, spec: { version, image: `docker.io/discourse/discourse:${version}` }, ...(running ? { status: { version: running } } : {}) }) as unknown as DefaultedDiscourse;
  const liveWeb: KubeObject = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "f-web" }, spec: { template: { spec: { containers: [{ image: "docker.io/discourse/discourse:3.4.2" }] } } } };
  const job = (status: object): KubeObject => ({ apiVersion: "batch/v1", kind: "Job", metadata: { name: "f-migrate-3-5-2" }, status });
  const cases = [
    { name: "first install is not gated", o: obj("3.5.2"), web: undefined, job: undefined, want: { version: "3.5.2", migrationFailed: false } },
    { name: "same version is not gated", o: obj("3.5.2", "3.5.2"), web: liveWeb, job: undefined, want: { version: "3.5.2", migrationFailed: false } },
    { name: "a new version waits, keeping the live image", o: obj("3.5.2", "3.4.2"), web: liveWeb, job: job({ active: 1 }), want: { appImage: "docker.io/discourse/discourse:3.4.2", version: "3.4.2", waitingFor: "f-migrate-3-5-2", migrationFailed: false } },
    { name: "without a live web Deployment the old image is derived", o: obj("3.5.2", "3.4.2"), web: undefined, job: undefined, want: { appImage: "docker.io/discourse/discourse:3.4.2", version: "3.4.2", waitingFor: "f-migrate-3-5-2", migrationFailed: false } },
    { name: "a succeeded Job lets web roll", o: obj("3.5.2", "3.4.2"), web: liveWeb, job: job({ succeeded: 1 }), want: { version: "3.5.2", migrationFailed: false } },
    { name: "a failed Job is reported", o: obj("3.5.2", "3.4.2"), web: liveWeb, job: job({ failed: 4, conditions: [{ type: "Failed", status: "True" }] }), want: { appImage: "docker.io/discourse/discourse:3.4.2", version: "3.4.2", waitingFor: "f-migrate-3-5-2", migrationFailed: true } },
  ];
  for (const c of cases) it(c.name, () => expect(planVersion(c.o, "f-migrate-3-5-2", c.web, c.job)).to.deep.equal(c.want));
});

describe("findOrphanSecrets", () => {
  const now = Date.parse("2026-01-01T01:00:00Z");
  const secret = (name: string, labels: Record<string, string>, created: string, owned = false): KubeObject => ({
    apiVersion: "v1", kind: "Secret",
    metadata: { name, namespace: "ns", labels, creationTimestamp: created, ...(owned ? { ownerReferences: [{ apiVersion: "discourse.cern/v1alpha1", kind: "Discourse", name: "x", uid: "u" }] } : {}) },
  });
  const m = { "app.kubernetes.io/managed-by": "discourse-operator" };
  const old = "2026-01-01T00:00:00Z";
  const secrets = [
    secret("orphan", { ...m, "app.kubernetes.io/instance": "never" }, old),
    secret("young", { ...m, "app.kubernetes.io/instance": "never" }, "2026-01-01T00:55:00Z"),
    secret("has-owner-object", { ...m, "app.kubernetes.io/instance": "exists" }, old),
    secret("owned", { ...m, "app.kubernetes.io/instance": "never" }, old, true),
    secret("retained", { ...m, "app.kubernetes.io/instance": "never", "discourse.cern/retained": "true" }, old),
    secret("not-ours", { "app.kubernetes.io/instance": "never" }, old),
  ];
  it("only unowned, unretained, old Secrets of a Discourse that does not exist", () => {
    const got = findOrphanSecrets(secrets, (_ns, name) => name === "exists", 10 * 60_000, now).map((s) => s.metadata.name);
    expect(got).to.deep.equal(["orphan"]);
  });
});
