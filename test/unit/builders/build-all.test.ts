import { expect } from "chai";
import type { V1Deployment } from "@kubernetes/client-node";
import { buildAll, codeAnnotations, codeRevision, OWNED_KINDS, REVISION_ANNOTATION, specCode, type DesiredChild } from "../../../reconciler/builders/index.js";
import type { DefaultedDiscourse } from "../../../src/api/types.js";
import { resourceType } from "../../../reconciler/client/resources.js";
import { envConfig } from "../../../reconciler/builders/env-configmap.js";
import { buildMigrateJob } from "../../../reconciler/builders/migrate-job.js";
import { deepFreeze, marketplace, rootForum, withSpec } from "./fixtures.js";

type Row = [kind: string, name: string, mode: string, exists: boolean];
const rows = (children: DesiredChild[]): Row[] => children.map((c) => [c.kind, c.name, c.mode, c.object !== null]);
/** Kept under Retain: every Secret and claim of the forum (docs/deletion.md, found by labels in reconciler/steps/finalize.ts). */
const retainable = (c: DesiredChild): boolean => c.kind === "Secret" || c.kind === "PersistentVolumeClaim";

const forums: { name: string; obj: () => DefaultedDiscourse }[] = [
  { name: "root-forum", obj: rootForum },
  { name: "marketplace", obj: marketplace },
  { name: "root-forum, 1 replica, Route, no plugins", obj: () => withSpec(rootForum(), (s) => { s.replicas = 1; s.ingress.kind = "Route"; s.plugins = []; }) },
  { name: "marketplace with SMTP and a Secret-sourced env", obj: () => withSpec(marketplace(), (s) => {
    s.smtp = { host: "smtp.cern.ch", port: 587, user: "u", passwordSecret: { name: "smtp", key: "pw" }, enableStartTLS: true };
    s.env = [{ name: "DISCOURSE_S3_SECRET_ACCESS_KEY", valueFrom: { secretKeyRef: { name: "s3", key: "secret" } } }];
  }) },
];

/** Every container of every pod template in the desired children. */
interface Container {
  name: string;
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: unknown } }[];
}

function containers(children: DesiredChild[]): Container[] {
  const out: Container[] = [];
  for (const c of children) {
    const o = c.object as { spec?: { template?: { spec?: { containers?: Container[]; initContainers?: Container[] } } } } | null;
    const pod = o?.spec?.template?.spec;
    out.push(...(pod?.initContainers ?? []), ...(pod?.containers ?? []));
  }
  return out;
}

function frozenPaths(v: unknown, path: string): string[] {
  if (typeof v !== "object" || v === null) return [];
  if (Object.isFrozen(v)) return [path];
  return Object.entries(v).flatMap(([k, inner]) => frozenPaths(inner, `${path}.${k}`));
}

describe("builders/buildAll", () => {
  it("root-forum: every child, in apply order, with its mode", () => {
    expect(rows(buildAll(rootForum()))).to.deep.equal([
      ["Secret", "root-forum-db-credentials", "patchIfExists", true],
      ["Secret", "root-forum-app-secrets", "patchIfExists", true],
      ["ConfigMap", "root-forum-env", "apply", true],
      ["ConfigMap", "root-forum-postgresql-init", "apply", true],
      ["ServiceAccount", "root-forum-discourse", "apply", false],
      ["RoleBinding", "root-forum-discourse-scc", "apply", false],
      ["PersistentVolumeClaim", "root-forum-uploads", "apply", true],
      ["PersistentVolumeClaim", "data-root-forum-postgresql-0", "patchIfExists", true],
      ["PersistentVolumeClaim", "data-root-forum-redis-0", "patchIfExists", true],
      ["StatefulSet", "root-forum-postgresql", "apply", true],
      ["Service", "root-forum-postgresql", "apply", true],
      ["Deployment", "root-forum-redis", "apply", false],
      ["StatefulSet", "root-forum-redis", "apply", true],
      ["Service", "root-forum-redis", "apply", true],
      ["Job", "root-forum-db-init", "create", false],
      ["Deployment", "root-forum-web", "apply", true],
      ["Deployment", "root-forum-sidekiq", "apply", true],
      ["Service", "root-forum-web", "apply", true],
      ["Ingress", "root-forum", "apply", true],
      ["Route", "root-forum", "apply", false],
      ["PodDisruptionBudget", "root-forum-web", "apply", true],
      ["NetworkPolicy", "root-forum-backend", "apply", true],
    ]);
  });

  it("marketplace: external backends, Route, one replica; no database claim entry (never deleted)", () => {
    expect(rows(buildAll(marketplace()))).to.deep.equal([
      ["Secret", "marketplace-db-credentials", "patchIfExists", true],
      ["Secret", "marketplace-app-secrets", "patchIfExists", true],
      ["ConfigMap", "marketplace-env", "apply", true],
      ["ConfigMap", "marketplace-postgresql-init", "apply", false],
      ["ServiceAccount", "marketplace-discourse", "apply", true],
      ["RoleBinding", "marketplace-discourse-scc", "apply", true],
      ["PersistentVolumeClaim", "marketplace-uploads", "apply", true],
      ["StatefulSet", "marketplace-postgresql", "apply", false],
      ["Service", "marketplace-postgresql", "apply", false],
      ["Deployment", "marketplace-redis", "apply", false],
      ["StatefulSet", "marketplace-redis", "apply", false],
      ["Service", "marketplace-redis", "apply", false],
      ["Job", "marketplace-db-init", "create", true],
      ["Deployment", "marketplace-web", "apply", true],
      ["Deployment", "marketplace-sidekiq", "apply", true],
      ["Service", "marketplace-web", "apply", true],
      ["Ingress", "marketplace", "apply", false],
      ["Route", "marketplace", "apply", true],
      ["PodDisruptionBudget", "marketplace-web", "apply", false],
      ["NetworkPolicy", "marketplace-backend", "apply", false],
    ]);
  });

  it("a forum at rest: no migration Job entry, web and sidekiq record the spec's code", () => {
    const children = buildAll(rootForum());
    expect(children.filter((c) => c.kind === "Job").map((c) => c.name)).to.deep.equal(["root-forum-db-init"]);
    const code = { version: "3.5.2", image: "docker.io/discourse/discourse:3.5.2", plugins: rootForum().spec.plugins };
    for (const name of ["root-forum-web", "root-forum-sidekiq"]) {
      const d = children.find((c) => c.name === name)?.object as V1Deployment;
      expect(d.metadata?.annotations, name).to.deep.equal(codeAnnotations(code));
    }
  });

  it("the plan's migration Job comes after db-init, stale migration Jobs are null entries (deleted)", () => {
    const children = buildAll(rootForum(), { migration: "pre", staleMigrationJobs: ["root-forum-migrate-3-4-2-0123abcd-post"] });
    const jobs = rows(children).filter(([kind]) => kind === "Job");
    expect(jobs).to.have.length(3);
    expect(jobs[0]).to.deep.equal(["Job", "root-forum-db-init", "create", false]);
    expect(jobs[1]?.[1]).to.match(/^root-forum-migrate-3-5-2-[0-9a-f]{8}-pre$/);
    expect(jobs[2]).to.deep.equal(["Job", "root-forum-migrate-3-4-2-0123abcd-post", "create", false]);
  });

  const served = [
    {
      name: "before the first migration: the spec's code, 0 replicas, no code annotations",
      served: { code: specCode(rootForum()), migrated: false },
      want: { image: "docker.io/discourse/discourse:3.5.2", plugins: 2, web: 0, sidekiq: 0, annotated: false },
    },
    {
      name: "while a new revision migrates: the running code (image and plugins), the spec's replicas",
      served: { code: { version: "3.4.2", image: "docker.io/discourse/discourse:3.4.2", plugins: [] }, migrated: true },
      want: { image: "docker.io/discourse/discourse:3.4.2", plugins: 0, web: 3, sidekiq: 2, annotated: true },
    },
  ];
  for (const c of served) {
    it(`web and sidekiq, ${c.name}`, () => {
      const children = buildAll(rootForum(), { served: c.served });
      const d = (name: string): V1Deployment => children.find((x) => x.name === name)?.object as V1Deployment;
      const [web, sidekiq] = [d("root-forum-web"), d("root-forum-sidekiq")];
      const recorded = (x: V1Deployment): boolean => x.metadata?.annotations?.[REVISION_ANNOTATION] === codeRevision(c.served.code);
      const pod = web.spec?.template.spec;
      expect({
        image: pod?.containers[0]?.image,
        plugins: (pod?.initContainers ?? []).filter((x) => x.name.startsWith("plugin-")).length,
        web: web.spec?.replicas,
        sidekiq: sidekiq.spec?.replicas,
        annotated: recorded(web) && recorded(sidekiq),
      }).to.deep.equal(c.want);
      expect(sidekiq.spec?.template.spec?.containers[0]?.image).to.equal(c.want.image);
    });
  }

  for (const f of forums) {
    describe(f.name, () => {
      it("each entry's object has the entry's apiVersion, kind and name", () => {
        for (const c of buildAll(f.obj())) {
          if (!c.object) continue;
          expect([c.object.apiVersion, c.object.kind, c.object.metadata?.name]).to.deep.equal([c.apiVersion, c.kind, c.name]);
        }
      });

      it("every child carries the four labels and the controller owner reference (retainable ones under Retain and the database claim: labels only)", () => {
        const obj = f.obj();
        for (const c of buildAll(obj)) {
          if (!c.object) continue;
          const m = c.object.metadata!;
          expect(m.namespace, c.name).to.equal(obj.metadata.namespace);
          expect(m.labels, c.name).to.include({
            "app.kubernetes.io/name": "discourse",
            "app.kubernetes.io/instance": obj.metadata.name,
            "app.kubernetes.io/managed-by": "discourse-operator",
          });
          expect(m.labels?.["app.kubernetes.io/component"], c.name).to.be.a("string").and.not.equal("");
          const owners = c.name.startsWith("data-") || (retainable(c) && obj.spec.deletionPolicy === "Retain") ? undefined : [
            { apiVersion: "discourse.cern/v1alpha1", kind: "Discourse", name: obj.metadata.name, uid: obj.metadata.uid, controller: true, blockOwnerDeletion: true },
          ];
          expect(m.ownerReferences, c.name).to.deep.equal(owners);
        }
      });

      it("no ConfigMap holds a password, and every password env var comes from secretKeyRef", () => {
        const children = buildAll(f.obj());
        for (const c of children) {
          if (c.kind !== "ConfigMap" || !c.object) continue;
          const data = (c.object as { data?: Record<string, string> }).data ?? {};
          expect(Object.keys(data).filter((k) => /PASSWORD|SECRET|TOKEN/.test(k)), c.name).to.deep.equal([]);
        }
        const secretish = containers(children).flatMap((k) => (k.env ?? []).filter((e) => /PASSWORD|SECRET/.test(e.name)));
        expect(secretish.length).to.be.greaterThan(0);
        for (const e of secretish) {
          expect(e, e.name).to.not.have.property("value");
          expect(e.valueFrom?.secretKeyRef, e.name).to.be.an("object");
        }
      });

      it("the credentials Secret is adopted, never written: no data, stringData or type", () => {
        const secret = buildAll(f.obj()).find((c) => c.kind === "Secret")?.object;
        expect(Object.keys(secret ?? {}).sort()).to.deep.equal(["apiVersion", "kind", "metadata"]);
      });

      it("is deterministic: rebuilding gives byte-identical JSON", () => {
        expect(JSON.stringify(buildAll(f.obj()))).to.equal(JSON.stringify(buildAll(f.obj())));
      });

      it("never mutates its input (frozen) and shares no object with it", () => {
        const input = deepFreeze(f.obj());
        const children = buildAll(input, { served: { code: { version: "1.0.0", image: "x:1", plugins: [] }, migrated: false }, migration: "pre", staleMigrationJobs: ["old"], liveDatabaseClaimTemplateStorage: "1Gi" });
        expect(input).to.deep.equal(f.obj());
        // The input is deep-frozen, so any object the output shares with it is frozen too.
        expect(frozenPaths(children, "children")).to.deep.equal([]);
      });

      it("every kind it builds is in OWNED_KINDS", () => {
        const owned = new Set(OWNED_KINDS.map((k) => `${k.apiVersion}/${k.kind}`));
        for (const c of buildAll(f.obj())) expect(owned.has(`${c.apiVersion}/${c.kind}`), c.kind).to.equal(true);
      });
    });
  }

  it("takes the env ConfigMap and the plan's migration Job as passed along (built once per reconcile): the same children as building them", () => {
    const obj = rootForum();
    const env = envConfig(obj);
    const job = buildMigrateJob(obj, "pre", { env });
    const children = buildAll(obj, { migration: "pre", migrationJob: job, env });
    expect(children.find((c) => c.kind === "ConfigMap" && c.name === "root-forum-env")?.object).to.equal(env.configMap);
    expect(children.find((c) => c.kind === "Job" && c.name === job.metadata?.name)?.object).to.equal(job);
    const web = children.find((c) => c.kind === "Deployment" && c.name === "root-forum-web")?.object as V1Deployment;
    expect(web.spec?.template.metadata?.annotations?.["discourse.cern/config-hash"]).to.equal(env.hash);
    expect(children).to.deep.equal(buildAll(obj, { migration: "pre" }));
  });

  it("OWNED_KINDS lists each kind once; only Route is optional", () => {
    const keys = OWNED_KINDS.map((k) => `${k.apiVersion}/${k.kind}`);
    expect(new Set(keys).size).to.equal(keys.length);
    expect(OWNED_KINDS.filter((k) => k.optional).map((k) => k.kind)).to.deep.equal(["Route"]);
  });

  it("every kind in OWNED_KINDS has a REST path the client and informers can build (reconciler/client/resources.ts)", () => {
    expect(OWNED_KINDS.filter((k) => resourceType(k.apiVersion, k.kind).plural !== k.plural).map((k) => k.kind)).to.deep.equal([]);
  });
});
