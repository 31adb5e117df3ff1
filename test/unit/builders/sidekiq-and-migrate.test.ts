import { expect } from "chai";
import { buildWebDeployment } from "../../../reconciler/builders/web-deployment.js";
import { buildSidekiqDeployment } from "../../../reconciler/builders/sidekiq-deployment.js";
import { buildMigrateJob } from "../../../reconciler/builders/migrate-job.js";
import type { V1Deployment } from "@kubernetes/client-node";
import { LOGS_TO_STDOUT_SCRIPT } from "../../../reconciler/builders/discourse-pod.js";
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
            initContainers: webPod.initContainers!.filter((c) => c.name !== "assets"),
            containers: [
              {
                ...shared,
                name: "migrate",
                command: ["bundle", "exec", "rake", "db:migrate"],
                env: webContainer.env!.slice(3),
                volumeMounts: volumeMounts!.filter((m) => m.name !== "uploads" && m.name !== "assets"),
              },
            ],
            volumes: webPod.volumes!.filter((v) => v.name !== "uploads" && v.name !== "assets"),
          },
        },
      },
    });
  });

  it("always uses spec.image, whatever image web runs", () => {
    const job = buildMigrateJob(marketplace());
    expect(job.spec?.template.spec?.containers[0]?.image).to.equal("registry.cern.ch/discourse/discourse:3.4.2-cern1");
    expect(job.metadata?.name).to.equal("marketplace-migrate-3-4-2");
    expect(job.spec?.template.spec?.volumes).to.deep.equal([{ name: "logs", emptyDir: { sizeLimit: "256Mi" } }]);
  });
});
