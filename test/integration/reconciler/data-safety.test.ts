/**
 * Nothing lost, nothing taken over (issue 11, reconciler side), through kubectl on
 * the local control plane, whose garbage collector runs:
 * - deletionPolicy Retain keeps the claims and the operator's Secrets under every cascade;
 * - Secrets the operator did not make are only read; another forum's Secret is refused;
 * - credentials and `<name>-app-secrets` are generated when missing, never regenerated;
 * - of two forums with one hostname the older keeps it, the newer gets no Ingress.
 */
import { expect } from "chai";
import { setTimeout as sleep } from "node:timers/promises";
import { attemptName } from "../../hooks/attempt.js";
import { installCrd, kubectl, newNamespace } from "../../hooks/control-plane.js";
import type { KubeObject } from "../../../reconciler/client/kube-client.js";
import { apply, discourseManifest, getObj, kubectlOk, runReconciler, settle, waitFor, type Running } from "./helpers.js";

const DSC = "discourse.cern/v1alpha1";

type Condition = { type: string; status: string; reason: string; message: string };
function condition(o: KubeObject | null, type: string): Condition | undefined {
  return ((o?.status as { conditions?: Condition[] } | undefined)?.conditions ?? []).find((c) => c.type === type);
}

function decoded(secret: KubeObject | null): Record<string, string> {
  const data = (secret?.data ?? {}) as Record<string, string>;
  return Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, "base64").toString()]));
}

/** The claims and Secrets Retain must keep for the managed-database forum `name`. */
const retained = (name: string): [string, string][] => [
  ["PersistentVolumeClaim", `${name}-uploads`],
  ["PersistentVolumeClaim", `data-${name}-postgresql-0`],
  ["PersistentVolumeClaim", `data-${name}-redis-0`],
  ["Secret", `${name}-db-credentials`],
  ["Secret", `${name}-app-secrets`],
];

const spec = (name: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ hostname: `${name}.web.cern.ch`, developerEmails: ["a@cern.ch"], ...extra });

/**
 * Creates the managed-database forum `name` in `ns` (no Secret: the reconciler generates it)
 * and waits for its claims, Secrets and web Deployment.
 * @param extra - spec fields over the minimal spec (hostname `<name>.web.cern.ch`).
 * @returns the Discourse as stored.
 */
async function createForum(ns: string, name: string, extra: Record<string, unknown> = {}): Promise<KubeObject> {
  await apply(discourseManifest(ns, { name, spec: spec(name, extra) }));
  for (const [kind, child] of retained(name)) await waitFor(`${kind} ${child}`, () => getObj("v1", kind, ns, child), 20_000);
  await waitFor(`${name}-web`, () => getObj("apps/v1", "Deployment", ns, `${name}-web`));
  return (await getObj(DSC, "Discourse", ns, name))!;
}

describe("reconciler: data safety", function () {
  let ns: string;
  let r: Running;

  before(async function () {
    await installCrd();
    ns = await newNamespace("rec-safety");
    r = await runReconciler(ns);
  });
  after(async () => r?.handle.stop());


  async function expectKept(name: string, uid: string | undefined): Promise<void> {
    for (const [kind, child] of retained(name)) {
      const o = await getObj("v1", kind, ns, child);
      expect(o, `${kind} ${child} kept`).to.not.equal(null);
      expect(o?.metadata.deletionTimestamp, `${kind} ${child} not being deleted`).to.equal(undefined);
      expect((o?.metadata.ownerReferences ?? []).filter((ref) => ref.uid === uid), `${kind} ${child} not owned`).to.deep.equal([]);
      expect(o?.metadata.labels?.["discourse.cern/retained"], `${kind} ${child} labelled retained`).to.equal("true");
    }
  }

  it("deletionPolicy Retain keeps the claims and the Secrets under background, foreground and orphan deletion, and after a switch from Delete", async function () {
    this.timeout(240_000);
    const cascades = ["background", "foreground", "orphan"] as const;
    const names = new Map(cascades.map((c) => [c, attemptName(this, `keep-${c}`)]));
    const keep = (c: (typeof cascades)[number]): string => names.get(c)!;
    const switched = attemptName(this, "switched");
    const forums = await Promise.all([...cascades.map((c) => createForum(ns, keep(c))), createForum(ns, switched, { deletionPolicy: "Delete" })]);
    // Under Delete the uploads claim is owned; switching to Retain releases it at the next reconcile.
    const ownedUploads = await getObj("v1", "PersistentVolumeClaim", ns, `${switched}-uploads`);
    expect(ownedUploads?.metadata.ownerReferences?.map((o) => o.kind)).to.deep.equal(["Discourse"]);
    await kubectlOk(["patch", "dsc", switched, "-n", ns, "--type=merge", "-p", '{"spec":{"deletionPolicy":"Retain"}}']);
    await waitFor("switched: no owner reference on its claims and Secrets", async () => {
      const all = await Promise.all(retained(switched).map(([kind, child]) => getObj("v1", kind, ns, child)));
      return all.every((o) => o && (o.metadata.ownerReferences ?? []).length === 0);
    }, 20_000);
    await settle(r);
    const deletions = [...cascades.map((c) => [keep(c), c] as const), [switched, "foreground"] as const];
    await Promise.all(deletions.map(([name, cascade]) => kubectlOk(["delete", "dsc", name, "-n", ns, `--cascade=${cascade}`, "--wait=false"])));
    for (const [name] of deletions) await waitFor(`Discourse ${name} gone`, async () => (await getObj(DSC, "Discourse", ns, name)) === null, 90_000);
    // The garbage collector has run once the owned web Deployments are gone (not for orphan).
    for (const [name, cascade] of deletions) {
      if (cascade !== "orphan") await waitFor(`${name}-web collected`, async () => (await getObj("apps/v1", "Deployment", ns, `${name}-web`)) === null, 120_000);
    }
    for (const sts of [`${keep("foreground")}-postgresql`, `${keep("foreground")}-redis`, `${keep("background")}-postgresql`]) {
      await waitFor(`StatefulSet ${sts} collected`, async () => (await getObj("apps/v1", "StatefulSet", ns, sts)) === null, 60_000);
    }
    deletions.forEach(([name], i) => expect(name).to.equal(forums[i]?.metadata.name));
    for (const [i, [name]] of deletions.entries()) await expectKept(name, forums[i]?.metadata.uid);
  });

  it("Secrets created under Retain take an owner reference under Delete and lose it again under Retain", async function () {
    this.timeout(90_000);
    const flip = attemptName(this, "flip");
    await createForum(ns, flip);
    const secrets = [`${flip}-db-credentials`, `${flip}-app-secrets`];
    const owners = async (): Promise<string[][]> =>
      Promise.all(secrets.map(async (s) => ((await getObj("v1", "Secret", ns, s))?.metadata.ownerReferences ?? []).map((o) => o.kind)));
    expect(await owners()).to.deep.equal([[], []]);
    await kubectlOk(["patch", "dsc", flip, "-n", ns, "--type=merge", "-p", '{"spec":{"deletionPolicy":"Delete"}}']);
    await waitFor("flip: its Secrets owned under Delete", async () => JSON.stringify(await owners()) === JSON.stringify([["Discourse"], ["Discourse"]]), 20_000);
    await kubectlOk(["patch", "dsc", flip, "-n", ns, "--type=merge", "-p", '{"spec":{"deletionPolicy":"Retain"}}']);
    await waitFor("flip: its Secrets released under Retain", async () => JSON.stringify(await owners()) === JSON.stringify([[], []]), 20_000);
  });

  it("deletionPolicy Delete removes the claims and the Secrets, with a foreground cascade too", async function () {
    this.timeout(120_000);
    await createForum(ns, "drop", { deletionPolicy: "Delete" });
    await kubectlOk(["delete", "dsc", "drop", "-n", ns, "--cascade=foreground", "--wait=false"]);
    for (const [kind, child] of retained("drop")) {
      await waitFor(`${kind} ${child} deleted`, async () => {
        const o = await getObj("v1", kind, ns, child);
        return o === null || o.metadata.deletionTimestamp !== undefined;
      }, 60_000);
    }
  });

  it("generates the credentials Secret and app-secrets when missing (generateName too), never again, with no value in logs or Events", async function () {
    this.timeout(60_000);
    const made = await kubectl(["create", "-o", "json", "-f", "-"], {
      input: JSON.stringify({ apiVersion: DSC, kind: "Discourse", metadata: { generateName: "gen-", namespace: ns }, spec: spec("generated") }),
    });
    expect(made.code, made.stderr).to.equal(0);
    const name = (JSON.parse(made.stdout) as KubeObject).metadata.name;
    const creds = await waitFor("credentials", () => getObj("v1", "Secret", ns, `${name}-db-credentials`));
    const app = await waitFor("app-secrets", () => getObj("v1", "Secret", ns, `${name}-app-secrets`));
    expect(creds.type).to.equal("kubernetes.io/basic-auth");
    const c = decoded(creds);
    expect(Object.keys(c).sort()).to.deep.equal(["dbname", "host", "password", "port", "uri", "username"]);
    expect(c.password?.length).to.be.at.least(32);
    expect(c).to.include({ username: name.replace(/-/g, "_"), dbname: name.replace(/-/g, "_"), host: `${name}-postgresql`, port: "5432" });
    expect(c.uri).to.equal(`postgresql://${c.username}:${c.password}@${name}-postgresql:5432/${c.dbname}?sslmode=disable`);
    expect(creds.metadata.labels).to.include({ "app.kubernetes.io/managed-by": "discourse-operator", "app.kubernetes.io/instance": name });
    expect(app.type).to.equal("Opaque");
    const a = decoded(app);
    expect(Object.keys(a)).to.deep.equal(["secret_key_base"]);
    expect(a.secret_key_base).to.match(/^[0-9a-f]{128}$/);
    expect(app.metadata.labels).to.include({ "app.kubernetes.io/component": "app-secrets", "app.kubernetes.io/instance": name });

    // deleted by hand: generated anew once; an existing one is never overwritten
    await kubectlOk(["delete", "secret", `${name}-app-secrets`, "-n", ns]);
    const again = await waitFor("app-secrets again", () => getObj("v1", "Secret", ns, `${name}-app-secrets`));
    expect(decoded(again).secret_key_base).to.not.equal(a.secret_key_base);
    r.handle.resyncNow();
    await settle(r);
    // Created with their adoption's labels and digest (deletionPolicy Retain): the adoption wrote nothing more.
    expect(r.messages().filter((m) => m.startsWith(`updated Secret ${name}-`) || m.startsWith(`corrected drift in Secret ${name}-`))).to.deep.equal([]);
    expect(r.messages().filter((m) => m.startsWith(`created Secret ${name}-`))).to.have.length(3);
    expect(decoded(await getObj("v1", "Secret", ns, `${name}-db-credentials`)).password).to.equal(c.password);
    expect(decoded(await getObj("v1", "Secret", ns, `${name}-app-secrets`)).secret_key_base).to.equal(decoded(again).secret_key_base);

    const logs = JSON.stringify(r.lines);
    const events = await kubectlOk(["get", "events", "-n", ns, "-o", "json"]);
    for (const value of [c.password ?? "", a.secret_key_base ?? "", decoded(again).secret_key_base ?? ""]) {
      expect(logs.includes(value), "a secret value in the logs").to.equal(false);
      expect(events.includes(value), "a secret value in an Event").to.equal(false);
    }
  });

  it("an external database without adminSecret and without its Secret: CredentialsMissing, nothing generated", async () => {
    await apply(discourseManifest(ns, { name: "ext-missing", spec: spec("ext-missing", { database: { host: "db.example.org" } }) }));
    await waitFor("CredentialsMissing", async () => condition(await getObj(DSC, "Discourse", ns, "ext-missing"), "DatabaseReady")?.reason === "CredentialsMissing");
    expect(await getObj("v1", "Secret", ns, "ext-missing-db-credentials")).to.equal(null);
    await waitFor("app-secrets still generated", () => getObj("v1", "Secret", ns, "ext-missing-app-secrets"));
  });

  it("a Secret the operator did not make is only read: not relabelled, not owned, not deleted (create, update, Delete-policy deletion)", async function () {
    this.timeout(60_000);
    const foreign = { apiVersion: "v1", kind: "Secret", metadata: { name: "team-db", namespace: ns, labels: { team: "db" } }, stringData: { username: "u", password: "p".repeat(40) } };
    await apply(foreign);
    const before = (await getObj("v1", "Secret", ns, "team-db"))!;
    await apply(discourseManifest(ns, { name: "ext", spec: spec("ext", { deletionPolicy: "Delete", database: { host: "db.example.org", credentialsSecret: "team-db" } }) }));
    // 30 s, as the deletion's wait below: one run after the unit tests, on a loaded machine,
    // took longer than 10 s for the update (issue 13's notes); four reruns and CI did not.
    await waitFor("ext-web", () => getObj("apps/v1", "Deployment", ns, "ext-web"), 30_000);
    await kubectlOk(["patch", "dsc", "ext", "-n", ns, "--type=merge", "-p", '{"spec":{"replicas":2}}']);
    await waitFor("ext-web at 2", async () => ((await getObj("apps/v1", "Deployment", ns, "ext-web"))?.spec as { replicas?: number } | undefined)?.replicas === 2, 30_000);
    await settle(r);
    const during = (await getObj("v1", "Secret", ns, "team-db"))!;
    expect(during.metadata.resourceVersion, "never written").to.equal(before.metadata.resourceVersion);
    expect(during.metadata.labels).to.deep.equal({ team: "db" });
    expect(during.metadata.ownerReferences).to.equal(undefined);
    await kubectlOk(["delete", "dsc", "ext", "-n", ns, "--wait=false"]);
    await waitFor("ext gone", async () => (await getObj(DSC, "Discourse", ns, "ext")) === null, 30_000);
    await waitFor("its own app-secrets deleted", async () => {
      const o = await getObj("v1", "Secret", ns, "ext-app-secrets");
      return o === null || o.metadata.deletionTimestamp !== undefined;
    });
    const after = await getObj("v1", "Secret", ns, "team-db");
    expect(after?.metadata.resourceVersion, "kept, unwritten").to.equal(before.metadata.resourceVersion);
  });

  it("a Secret made for another forum is refused: Degraded SecretOwnedByAnotherForum, the Secret untouched, no child", async function () {
    this.timeout(60_000);
    await createForum(ns, "first");
    await settle(r);
    const before = (await getObj("v1", "Secret", ns, "first-db-credentials"))!;
    await apply(discourseManifest(ns, { name: "second", spec: spec("second", { database: { credentialsSecret: "first-db-credentials" } }) }));
    const second = await waitFor("second Degraded", async () => {
      const o = await getObj(DSC, "Discourse", ns, "second");
      return condition(o, "Degraded")?.reason === "SecretOwnedByAnotherForum" ? o : null;
    });
    expect(condition(second, "Degraded")?.message).to.include("Secret first-db-credentials belongs to the Discourse first");
    r.handle.resyncNow();
    await settle(r);
    const after = (await getObj("v1", "Secret", ns, "first-db-credentials"))!;
    expect(after.metadata.resourceVersion).to.equal(before.metadata.resourceVersion);
    expect(after.metadata.labels?.["app.kubernetes.io/instance"]).to.equal("first");
    expect(await getObj("v1", "ConfigMap", ns, "second-env")).to.equal(null);
    expect(condition(await getObj(DSC, "Discourse", ns, "first"), "Degraded")?.status).to.equal("False");
  });
});

// Its own namespace and reconciler: the forums of the tests above (deleted, refused, waiting
// for credentials) must not be what this one waits behind. A new namespace per attempt: a
// retry in the first attempt's namespace would find the younger forum holding the hostname
// (the first attempt deleted the elder), so its new elder would be the newer forum.
describe("reconciler: hostname held by the oldest forum", function () {
  let ns: string;
  let r: Running | undefined;

  before(async () => installCrd());
  beforeEach(async function () {
    ns = await newNamespace("rec-hostname");
    r = await runReconciler(ns);
  });
  afterEach(async () => {
    await r?.handle.stop();
    r = undefined;
  });


  it("two forums with one hostname: the older keeps it and stays healthy, the newer gets no Ingress until the name is free", async function () {
    // A forum's first reconcile writes its Ingress in the last of three phases: on a loaded
    // 2-core machine (a whole test run, a benchmark beside it) that took over 10 s.
    this.timeout(240_000);
    const rec = r!;
    // Say what the reconciler did meanwhile: a timeout alone does not tell load from a bug.
    const waitLogged = <T>(what: string, fn: () => Promise<T | null | undefined | false>, ms: number): Promise<T> =>
      waitFor(what, fn, ms).catch((err: unknown) => {
        const recent = rec.lines.slice(-15).map((l) => JSON.stringify([l.name, l.msg]));
        throw new Error(`${err instanceof Error ? err.message : String(err)}; the reconciler's last lines:\n${recent.join("\n")}`);
      });
    await createForum(ns, "elder", { hostname: "shared.web.cern.ch" });
    await waitLogged("elder Ingress", () => getObj("networking.k8s.io/v1", "Ingress", ns, "elder"), 45_000);
    // a newer forum that had an Ingress of its own, then took the hostname (no webhook here).
    // creationTimestamp counts whole seconds, and two forums of the same second are ordered by
    // uid (hostname-holder.ts): the younger one is made in a later second than the elder.
    const elderBorn = Date.parse((await getObj(DSC, "Discourse", ns, "elder"))?.metadata.creationTimestamp ?? "");
    await sleep(Math.max(0, elderBorn + 1_000 - Date.now()) + 50);
    await createForum(ns, "younger");
    await waitLogged("younger Ingress", () => getObj("networking.k8s.io/v1", "Ingress", ns, "younger"), 45_000);
    await kubectlOk(["patch", "dsc", "younger", "-n", ns, "--type=merge", "-p", '{"spec":{"hostname":"shared.web.cern.ch"}}']);
    const younger = await waitLogged("younger HostnameConflict", async () => {
      const o = await getObj(DSC, "Discourse", ns, "younger");
      return condition(o, "Degraded")?.reason === "HostnameConflict" ? o : null;
    }, 45_000);
    expect(condition(younger, "Degraded")?.message).to.include(`held by the older Discourse ${ns}/elder`);
    await waitLogged("younger Ingress deleted", async () => (await getObj("networking.k8s.io/v1", "Ingress", ns, "younger")) === null, 45_000);
    const events = JSON.parse(await kubectlOk(["get", "events", "-n", ns, "-o", "json", "--field-selector", "reason=HostnameConflict,involvedObject.name=younger"])) as { items: { type: string; message: string }[] };
    expect(events.items.map((e) => e.type)).to.deep.equal(["Warning"]);
    expect(events.items[0]?.message).to.include(`${ns}/elder`);
    // both forums still migrate on simulated pods: on a loaded machine that is longer than 20 s
    await settle(rec, 1500, 60_000);
    const elder = await getObj(DSC, "Discourse", ns, "elder");
    expect(condition(elder, "Degraded")?.status).to.equal("False");
    expect(await getObj("networking.k8s.io/v1", "Ingress", ns, "elder")).to.not.equal(null);
    // the holder goes: the newer forum gets the hostname
    await kubectlOk(["delete", "dsc", "elder", "-n", ns, "--wait=false"]);
    await waitLogged("younger Ingress back", () => getObj("networking.k8s.io/v1", "Ingress", ns, "younger"), 45_000);
    await waitLogged("younger healthy", async () => condition(await getObj(DSC, "Discourse", ns, "younger"), "Degraded")?.status === "False", 45_000);
  });
});
