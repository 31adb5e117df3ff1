import { expect } from "chai";
import { ASSETS_PRECOMPILE_SCRIPT, LOGS_TO_STDOUT_SCRIPT, PLUGIN_FETCH_SCRIPT } from "../../../reconciler/builders/discourse-pod.js";
import { buildEnvConfigMap, configHash } from "../../../reconciler/builders/env-configmap.js";
import { buildWebDeployment } from "../../../reconciler/builders/web-deployment.js";
import { marketplace, rootForum, withSpec } from "./fixtures.js";
import { labels, meta, restrictedContainer, restrictedPod, ROOT_FORUM_MOUNTS, ROOT_FORUM_SECRET_ENV, selector } from "./expected.js";

const IMAGE = "docker.io/discourse/discourse:3.5.2";

function pluginInit(name: string, dir: string, repository: string, ref?: string) {
  return {
    name,
    image: IMAGE,
    imagePullPolicy: "IfNotPresent",
    command: ["/bin/sh", "-c", PLUGIN_FETCH_SCRIPT],
    env: [
      { name: "HOME", value: "/tmp" },
      { name: "PLUGIN_DIR", value: `/plugins/${dir}` },
      { name: "PLUGIN_REPOSITORY", value: repository },
      ...(ref ? [{ name: "PLUGIN_REF", value: ref }] : []),
    ],
    volumeMounts: [{ name: "plugins", mountPath: "/plugins" }],
    securityContext: restrictedContainer,
  };
}

const probe = (periodSeconds: number, failureThreshold: number) => ({
  httpGet: { path: "/srv/status", port: "http" },
  periodSeconds,
  timeoutSeconds: 5,
  failureThreshold,
});

const UNICORN_ENV = [
  { name: "UNICORN_BIND_ALL", value: "true" },
  { name: "UNICORN_PORT", value: "3000" },
  { name: "UNICORN_SIDEKIQS", value: "0" },
];
const WEB_RESOURCES = { requests: { cpu: "1", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } };

describe("builders/web-deployment", () => {
  it("root-forum: the whole Deployment", () => {
    const obj = rootForum();
    const own = { matchLabels: selector("root-forum", "web") };
    expect(buildWebDeployment(obj)).to.deep.equal({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta("root-forum", "web", "root-forum-web"),
      spec: {
        replicas: 3,
        selector: { matchLabels: selector("root-forum", "web") },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
        template: {
          metadata: {
            labels: { ...labels("root-forum", "web"), "discourse.cern/uploads": "root-forum" },
            annotations: { "discourse.cern/config-hash": configHash(buildEnvConfigMap(obj).data ?? {}) },
          },
          spec: {
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            securityContext: restrictedPod(1000),
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  { weight: 100, podAffinityTerm: { labelSelector: own, topologyKey: "kubernetes.io/hostname" } },
                ],
              },
            },
            topologySpreadConstraints: [
              { maxSkew: 1, topologyKey: "topology.kubernetes.io/zone", whenUnsatisfiable: "ScheduleAnyway", labelSelector: own },
            ],
            initContainers: [
              pluginInit("plugin-0-discourse-solved", "discourse-solved", "https://github.com/discourse/discourse-solved", "main"),
              pluginInit("plugin-1-discourse-saml", "discourse_saml", "https://github.com/discourse/discourse-saml"),
              {
                name: "assets",
                image: IMAGE,
                imagePullPolicy: "IfNotPresent",
                workingDir: "/var/www/discourse",
                command: ["/bin/sh", "-c", ASSETS_PRECOMPILE_SCRIPT],
                envFrom: [{ configMapRef: { name: "root-forum-env" } }],
                env: [...UNICORN_ENV, ...ROOT_FORUM_SECRET_ENV],
                volumeMounts: [...ROOT_FORUM_MOUNTS, { name: "assets", mountPath: "/precompiled" }],
                securityContext: restrictedContainer,
                resources: WEB_RESOURCES,
              },
            ],
            containers: [
              {
                name: "web",
                command: ["/bin/sh", "-c", LOGS_TO_STDOUT_SCRIPT, "web", "bundle", "exec", "unicorn", "-E", "production", "-c", "config/unicorn.conf.rb"],
                ports: [{ name: "http", containerPort: 3000, protocol: "TCP" }],
                startupProbe: probe(10, 30),
                readinessProbe: probe(10, 3),
                livenessProbe: probe(20, 6),
                resources: WEB_RESOURCES,
                image: IMAGE,
                imagePullPolicy: "IfNotPresent",
                workingDir: "/var/www/discourse",
                envFrom: [{ configMapRef: { name: "root-forum-env" } }],
                env: [...UNICORN_ENV, ...ROOT_FORUM_SECRET_ENV],
                securityContext: restrictedContainer,
                volumeMounts: [...ROOT_FORUM_MOUNTS, { name: "assets", mountPath: "/var/www/discourse/public/assets" }],
              },
            ],
            volumes: [
              { name: "logs", emptyDir: { sizeLimit: "256Mi" } },
              { name: "uploads", persistentVolumeClaim: { claimName: "root-forum-uploads" } },
              { name: "plugins", emptyDir: {} },
              { name: "assets", emptyDir: {} },
            ],
          },
        },
      },
    });
  });

  it("marketplace (ReadWriteOnce, Route): Recreate, required affinity to the uploads pods' node, OpenShift ServiceAccount", () => {
    const pod = buildWebDeployment(marketplace()).spec?.template.spec;
    expect(pod?.affinity).to.deep.equal({
      podAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { labelSelector: { matchLabels: { "discourse.cern/uploads": "marketplace" } }, topologyKey: "kubernetes.io/hostname" },
        ],
      },
    });
    expect(pod?.topologySpreadConstraints).to.equal(undefined);
    expect(pod?.serviceAccountName).to.equal("marketplace-discourse");
  });

  it("marketplace: Recreate for ReadWriteOnce uploads, Redis password by secretKeyRef, no plugins", () => {
    const d = buildWebDeployment(marketplace());
    const pod = d.spec?.template.spec;
    expect(d.spec?.strategy).to.deep.equal({ type: "Recreate" });
    expect(pod?.initContainers?.map((c) => c.name)).to.deep.equal(["assets"]);
    expect(pod?.volumes).to.deep.equal([
      { name: "logs", emptyDir: { sizeLimit: "256Mi" } },
      { name: "uploads", persistentVolumeClaim: { claimName: "marketplace-uploads" } },
      { name: "assets", emptyDir: {} },
    ]);
    expect(pod?.containers[0]?.env?.slice(3)).to.deep.equal([
      { name: "DISCOURSE_DB_PASSWORD", valueFrom: { secretKeyRef: { name: "marketplace-db-credentials", key: "password" } } },
      { name: "DISCOURSE_SECRET_KEY_BASE", valueFrom: { secretKeyRef: { name: "marketplace-app-secrets", key: "secret_key_base" } } },
      { name: "DISCOURSE_REDIS_PASSWORD", valueFrom: { secretKeyRef: { name: "shared-redis", key: "auth" } } },
    ]);
    expect(pod?.containers[0]?.image).to.equal("registry.cern.ch/discourse/discourse:3.4.2-cern1");
  });

  it("image: spec.image for the app and every plugin init container", () => {
    const pod = buildWebDeployment(rootForum()).spec?.template.spec;
    expect([...(pod?.initContainers ?? []), ...(pod?.containers ?? [])].map((x) => x.image)).to.deep.equal([IMAGE, IMAGE, IMAGE, IMAGE]);
  });

  const rolls = [
    { name: "a settings change rolls the pods", change: (o: ReturnType<typeof rootForum>) => withSpec(o, (s) => { s.hostname = "new.web.cern.ch"; }), rolls: true },
    { name: "a replica change does not touch the template", change: (o: ReturnType<typeof rootForum>) => withSpec(o, (s) => { s.replicas = 5; }), rolls: false },
  ];
  for (const c of rolls) {
    it(`config hash: ${c.name}`, () => {
      const hash = (o: ReturnType<typeof rootForum>) => buildWebDeployment(o).spec?.template.metadata?.annotations?.["discourse.cern/config-hash"];
      expect(hash(c.change(rootForum())) !== hash(rootForum())).to.equal(c.rolls);
    });
  }

  it("replicas 0 (maintenance) is kept", () => {
    expect(buildWebDeployment(withSpec(rootForum(), (s) => { s.replicas = 0; })).spec?.replicas).to.equal(0);
  });

  it("a long plugin name gives a container name of at most 63 characters", () => {
    const obj = withSpec(rootForum(), (s) => {
      s.plugins = [{ name: `p${"_x".repeat(60)}`, repository: "https://example.org/p.git" }];
    });
    const name = buildWebDeployment(obj).spec?.template.spec?.initContainers?.[0]?.name ?? "";
    expect(name.length).to.be.at.most(63);
    expect(name).to.match(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  });
});
