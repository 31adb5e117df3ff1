import { expect } from "chai";
import { buildWebDeployment } from "../../../reconciler/builders/web-deployment.js";
import { buildSidekiqDeployment } from "../../../reconciler/builders/sidekiq-deployment.js";
import { buildMigrateJob } from "../../../reconciler/builders/migrate-job.js";
import { marketplace, rootForum } from "./fixtures.js";
import { labels, meta, selector } from "./expected.js";

describe("builders/sidekiq-deployment", () => {
  it("root-forum: same pod as web except name, command, resources, ports, probes, UNICORN env", () => {
    const obj = rootForum();
    const web = buildWebDeployment(obj);
    const webPod = web.spec!.template.spec!;
    const webContainer = webPod.containers[0]!;
    const { ports: _p, startupProbe: _s, readinessProbe: _r, livenessProbe: _l, ...shared } = webContainer;
    expect(buildSidekiqDeployment(obj)).to.deep.equal({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta("root-forum", "sidekiq", "root-forum-sidekiq"),
      spec: {
        replicas: 2,
        selector: { matchLabels: selector("root-forum", "sidekiq") },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: {
          metadata: { labels: labels("root-forum", "sidekiq"), annotations: web.spec!.template.metadata!.annotations },
          spec: {
            ...webPod,
            containers: [
              {
                ...shared,
                name: "sidekiq",
                command: ["bundle", "exec", "sidekiq", "-C", "config/sidekiq.yml"],
                resources: { requests: { cpu: "500m", memory: "1Gi" }, limits: { cpu: "1", memory: "2Gi" } },
                env: webContainer.env!.slice(3),
              },
            ],
          },
        },
      },
    });
  });

  const replicas = [
    { name: "root-forum", obj: rootForum(), want: 2 },
    { name: "marketplace", obj: marketplace(), want: 1 },
  ];
  for (const c of replicas) it(`replicas from spec.sidekiq.replicas: ${c.name}`, () => expect(buildSidekiqDeployment(c.obj).spec?.replicas).to.equal(c.want));
});

describe("builders/migrate-job", () => {
  it("root-forum: the whole Job (no uploads, plugins included, restartPolicy Never, no TTL)", () => {
    const obj = rootForum();
    const webPod = buildWebDeployment(obj).spec!.template.spec!;
    const webContainer = webPod.containers[0]!;
    const { ports: _p, startupProbe: _s, readinessProbe: _r, livenessProbe: _l, volumeMounts, ...shared } = webContainer;
    expect(buildMigrateJob(obj)).to.deep.equal({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        ...meta("root-forum", "migrations", "root-forum-migrate-3-5-2"),
        labels: { ...labels("root-forum", "migrations"), "discourse.cern/version": "3.5.2" },
      },
      spec: {
        backoffLimit: 3,
        template: {
          metadata: { labels: labels("root-forum", "migrations") },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: webPod.securityContext,
            restartPolicy: "Never",
            initContainers: webPod.initContainers,
            containers: [
              {
                ...shared,
                name: "migrate",
                command: ["bundle", "exec", "rake", "db:migrate"],
                env: webContainer.env!.slice(3),
                volumeMounts: volumeMounts!.slice(1),
              },
            ],
            volumes: webPod.volumes!.slice(1),
          },
        },
      },
    });
  });

  it("always uses spec.image, whatever image web runs", () => {
    const job = buildMigrateJob(marketplace());
    expect(job.spec?.template.spec?.containers[0]?.image).to.equal("registry.cern.ch/discourse/discourse:3.4.2-cern1");
    expect(job.metadata?.name).to.equal("marketplace-migrate-3-4-2");
    expect(job.spec?.template.spec?.volumes).to.equal(undefined);
  });
});
