import { expect } from "chai";
import { buildWebDeployment } from "../../../reconciler/builders/web-deployment.js";
import { buildSidekiqDeployment } from "../../../reconciler/builders/sidekiq-deployment.js";
import { buildMigrateJob } from "../../../reconciler/builders/migrate-job.js";
import type { V1Deployment } from "@kubernetes/client-node";
import { LOGS_TO_STDOUT_SCRIPT } from "../../../reconciler/builders/discourse-pod.js";
import { codeRevision, specCode } from "../../../reconciler/builders/app-code.js";
import type { DefaultedDiscourse, DefaultedSpec } from "../../../src/api/types.js";
import { marketplace, rootForum, withSpec } from "./fixtures.js";
import { labels, meta, restrictedContainer, ROOT_FORUM_MOUNTS, ROOT_FORUM_SECRET_ENV, selector } from "./expected.js";

describe("builders/sidekiq-deployment", () => {
  it("root-forum: same pod as web but no assets, its own command and resources, no ports, probes or UNICORN env", () => {
    const obj = rootForum();
    const web = buildWebDeployment(obj);
    const webPod = web.spec!.template.spec!;
    const { affinity: _a, topologySpreadConstraints: _t, ...podWithoutSpread } = webPod;
    expect(buildSidekiqDeployment(obj)).to.deep.equal({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta("root-forum", "sidekiq", "root-forum-sidekiq"),
      spec: {
        replicas: 2,
        selector: { matchLabels: selector("root-forum", "sidekiq") },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: {
          metadata: {
            labels: { ...labels("root-forum", "sidekiq"), "discourse.cern/uploads": "root-forum" },
            annotations: web.spec!.template.metadata!.annotations,
          },
          spec: {
            ...podWithoutSpread,
            initContainers: webPod.initContainers!.filter((c) => c.name !== "assets"),
            containers: [
              {
                name: "sidekiq",
                command: ["/bin/sh", "-c", LOGS_TO_STDOUT_SCRIPT, "sidekiq", "bundle", "exec", "sidekiq", "-c", "5", "-t", "5",
                  "-q", "critical,8", "-q", "default,4", "-q", "low,2", "-q", "ultra_low,1"],
                resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } },
                image: "docker.io/discourse/discourse:3.5.2",
                imagePullPolicy: "IfNotPresent",
                workingDir: "/var/www/discourse",
                envFrom: [{ configMapRef: { name: "root-forum-env" } }],
                env: ROOT_FORUM_SECRET_ENV,
                securityContext: restrictedContainer,
                volumeMounts: ROOT_FORUM_MOUNTS,
              },
            ],
            volumes: webPod.volumes!.filter((v) => v.name !== "assets"),
          },
        },
      },
    });
  });

  const replicas = [
    { name: "root-forum", obj: rootForum(), want: 2 },
    { name: "marketplace", obj: marketplace(), want: 1 },
    { name: "replicas 0 (maintenance) stops sidekiq too", obj: withSpec(rootForum(), (s) => { s.replicas = 0; }), want: 0 },
  ];
  for (const c of replicas) it(`replicas: ${c.name}`, () => expect(buildSidekiqDeployment(c.obj).spec?.replicas).to.equal(c.want));

  it("ReadWriteOnce: the same required affinity as web, so both land on the volume's node", () => {
    const affinity = (d: V1Deployment) => d.spec?.template.spec?.affinity;
    expect(affinity(buildSidekiqDeployment(marketplace()))).to.deep.equal(affinity(buildWebDeployment(marketplace())));
    expect(buildSidekiqDeployment(marketplace()).spec?.template.metadata?.labels?.["discourse.cern/uploads"]).to.equal("marketplace");
  });
});

describe("builders/migrate-job", () => {
  it("root-forum, pre: the whole Job (SKIP_POST_DEPLOYMENT_MIGRATIONS=1, no uploads, plugins included, restartPolicy Never, no TTL)", () => {
    const obj = rootForum();
    const web = buildWebDeployment(obj);
    const webPod = web.spec!.template.spec!;
    const webContainer = webPod.containers[0]!;
    const { ports: _p, startupProbe: _s, readinessProbe: _r, livenessProbe: _l, volumeMounts, ...shared } = webContainer;
    const job = buildMigrateJob(obj, "pre");
    expect(job.metadata?.name).to.match(/^root-forum-migrate-3-5-2-[0-9a-f]{8}-pre$/);
    expect(job).to.deep.equal({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        ...meta("root-forum", "migrations", job.metadata!.name!),
        labels: {
          ...labels("root-forum", "migrations"),
          "discourse.cern/version": "3.5.2",
          "discourse.cern/revision": codeRevision(specCode(obj)),
          "discourse.cern/migration-stage": "pre",
        },
      },
      spec: {
        backoffLimit: 3,
        template: {
          metadata: { labels: labels("root-forum", "migrations"), annotations: web.spec!.template.metadata!.annotations },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: webPod.securityContext,
            restartPolicy: "Never",
            initContainers: webPod.initContainers!.filter((c) => c.name !== "assets"),
            containers: [
              {
                ...shared,
                name: "migrate",
                command: ["bundle", "exec", "rake", "db:migrate"],
                // discourse lib/discourse.rb skip_post_deployment_migrations?; discourse/launcher v2/cli_build.go
                env: [{ name: "SKIP_POST_DEPLOYMENT_MIGRATIONS", value: "1" }, ...webContainer.env!.slice(3)],
                volumeMounts: volumeMounts!.filter((m) => m.name !== "uploads" && m.name !== "assets"),
              },
            ],
            volumes: webPod.volumes!.filter((v) => v.name !== "uploads" && v.name !== "assets"),
          },
        },
      },
    });
  });

  it("post: the same Job without SKIP_POST_DEPLOYMENT_MIGRATIONS, its own name and stage label", () => {
    const pre = buildMigrateJob(rootForum(), "pre");
    const post = buildMigrateJob(rootForum(), "post");
    expect(post.metadata?.name).to.match(/^root-forum-migrate-3-5-2-[0-9a-f]{8}-post$/);
    expect(post.metadata?.labels?.["discourse.cern/migration-stage"]).to.equal("post");
    const preContainer = pre.spec!.template.spec!.containers[0]!;
    expect(post.spec!.template.spec!.containers[0]).to.deep.equal({ ...preContainer, env: preContainer.env!.slice(1) });
  });

  it("always uses the spec's image and version", () => {
    const job = buildMigrateJob(marketplace(), "pre");
    expect(job.spec?.template.spec?.containers[0]?.image).to.equal("registry.cern.ch/discourse/discourse:3.4.2-cern1");
    expect(job.metadata?.name).to.match(/^marketplace-migrate-3-4-2-[0-9a-f]{8}-pre$/);
    expect(job.spec?.template.spec?.volumes).to.deep.equal([{ name: "logs", emptyDir: { sizeLimit: "256Mi" } }]);
  });

  const name = (o: DefaultedDiscourse, stage: "pre" | "post" = "pre"): string => buildMigrateJob(o, stage).metadata!.name!;
  const changes: { name: string; change: (s: DefaultedSpec) => void; newJob: boolean }[] = [
    { name: "a new version", change: (s) => { s.version = "3.5.3"; s.image = "docker.io/discourse/discourse:3.5.3"; }, newJob: true },
    { name: "a new image at the same version", change: (s) => { s.image = "registry.cern.ch/discourse/discourse:3.5.2-cern2"; }, newJob: true },
    { name: "a plugin added", change: (s) => { s.plugins.push({ name: "discourse-chat-integration", repository: "https://github.com/discourse/discourse-chat-integration" }); }, newJob: true },
    { name: "a plugin at another ref", change: (s) => { s.plugins[0]!.ref = "v2"; }, newJob: true },
    { name: "an env entry removed (a fix after a failure)", change: (s) => { s.env = s.env.slice(1); }, newJob: true },
    { name: "a setting the pod reads through <name>-env", change: (s) => { s.hostname = "new.web.cern.ch"; }, newJob: true },
    { name: "more memory for web (the migration's resources)", change: (s) => { s.resources.web.limits = { memory: "8Gi" }; }, newJob: true },
    { name: "replicas", change: (s) => { s.replicas = 7; s.sidekiq.replicas = 4; }, newJob: false },
    { name: "sidekiq resources", change: (s) => { s.resources.sidekiq.limits = { memory: "8Gi" }; }, newJob: false },
  ];
  for (const c of changes) {
    it(`name: ${c.name} ${c.newJob ? "is" : "is not"} a new Job`, () => {
      expect(name(withSpec(rootForum(), c.change)) !== name(rootForum())).to.equal(c.newJob);
    });
  }

  const lengths = [
    { name: "dots become dashes", meta: "root-forum", version: "3.5.2", want: /^root-forum-migrate-3-5-2-[0-9a-f]{8}-post$/ },
    { name: "a suffix is lower-cased", meta: "root-forum", version: "2026.7.0-Beta.1", want: /^root-forum-migrate-2026-7-0-beta-1-[0-9a-f]{8}-post$/ },
    { name: "a long name shortens the version", meta: "a".repeat(35), version: "2026.7.0-beta.1", want: new RegExp(`^${"a".repeat(35)}-migrate-2026-[0-9a-f]{8}-post$`) },
    { name: "the longest name (40) leaves the version out", meta: "b".repeat(40), version: "2026.7.0", want: new RegExp(`^${"b".repeat(40)}-migrate-[0-9a-f]{8}-post$`) },
  ];
  for (const c of lengths) {
    it(`name: ${c.name}, at most 63 characters`, () => {
      const o = withSpec(rootForum(), (s) => { s.version = c.version; });
      o.metadata.name = c.meta;
      const n = name(o, "post");
      expect(n).to.match(c.want);
      expect(n.length).to.be.at.most(63);
    });
  }
});
