import { expect } from "chai";
import { buildAppSecretsAdoption, buildCredentialsSecretAdoption } from "../../../reconciler/builders/credentials-secret.js";
import { buildIngress } from "../../../reconciler/builders/ingress.js";
import { buildNetworkPolicy } from "../../../reconciler/builders/network-policy.js";
import { buildPodDisruptionBudget } from "../../../reconciler/builders/pod-disruption-budget.js";
import { buildRoute } from "../../../reconciler/builders/route.js";
import { buildUploadsPvc } from "../../../reconciler/builders/uploads-pvc.js";
import { buildWebService } from "../../../reconciler/builders/web-service.js";
import { marketplace, rootForum, withSpec } from "./fixtures.js";
import { meta, retainedMeta, selector } from "./expected.js";

const instance = { "app.kubernetes.io/name": "discourse", "app.kubernetes.io/instance": "root-forum" };

describe("builders/exposure and policies (whole objects)", () => {
  const cases = [
    {
      name: "credentials Secret adoption: metadata only, no data or type",
      got: () => buildCredentialsSecretAdoption(rootForum()),
      want: { apiVersion: "v1", kind: "Secret", metadata: retainedMeta("root-forum", "database", "root-forum-db-credentials") },
    },
    {
      name: "credentials Secret adoption under deletionPolicy Delete: owned by the Discourse",
      got: () => buildCredentialsSecretAdoption(withSpec(rootForum(), (s) => { s.deletionPolicy = "Delete"; })),
      want: { apiVersion: "v1", kind: "Secret", metadata: meta("root-forum", "database", "root-forum-db-credentials") },
    },
    {
      name: "app-secrets adoption: metadata only, component app-secrets, no owner under Retain",
      got: () => buildAppSecretsAdoption(rootForum()),
      want: { apiVersion: "v1", kind: "Secret", metadata: retainedMeta("root-forum", "app-secrets", "root-forum-app-secrets") },
    },
    {
      name: "web Service: port 80 to the http port",
      got: () => buildWebService(rootForum()),
      want: {
        apiVersion: "v1",
        kind: "Service",
        metadata: meta("root-forum", "web", "root-forum-web"),
        spec: { type: "ClusterIP", selector: selector("root-forum", "web"), ports: [{ name: "http", port: 80, targetPort: "http", protocol: "TCP" }] },
      },
    },
    {
      name: "Ingress: host, TLS Secret, class, annotations",
      got: () => buildIngress(rootForum()),
      want: {
        apiVersion: "networking.k8s.io/v1",
        kind: "Ingress",
        metadata: { ...meta("root-forum", "web", "root-forum"), annotations: { "nginx.ingress.kubernetes.io/proxy-body-size": "10m", "cert-manager.io/cluster-issuer": "cern" } },
        spec: {
          ingressClassName: "nginx",
          tls: [{ hosts: ["root-forum.web.cern.ch"], secretName: "root-forum-tls" }],
          rules: [
            {
              host: "root-forum.web.cern.ch",
              http: { paths: [{ path: "/", pathType: "Prefix", backend: { service: { name: "root-forum-web", port: { number: 80 } } } }] },
            },
          ],
        },
      },
    },
    {
      name: "Route: edge TLS, HTTP redirected",
      got: () => buildRoute(marketplace()),
      want: {
        apiVersion: "route.openshift.io/v1",
        kind: "Route",
        metadata: meta("marketplace", "web", "marketplace"),
        spec: {
          host: "marketplace.cern.ch",
          to: { kind: "Service", name: "marketplace-web", weight: 100 },
          port: { targetPort: "http" },
          tls: { termination: "edge", insecureEdgeTerminationPolicy: "Redirect" },
          wildcardPolicy: "None",
        },
      },
    },
    {
      name: "uploads PVC with a storage class",
      got: () => buildUploadsPvc(rootForum()),
      want: {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: retainedMeta("root-forum", "uploads", "root-forum-uploads"),
        spec: { accessModes: ["ReadWriteMany"], volumeMode: "Filesystem", resources: { requests: { storage: "50Gi" } }, storageClassName: "cephfs" },
      },
    },
    {
      name: "uploads PVC on the default class, size given as a number of bytes (deletionPolicy Delete: owned)",
      got: () => buildUploadsPvc(withSpec(marketplace(), (s) => { s.storage.uploads.size = 1073741824; })),
      want: {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: meta("marketplace", "uploads", "marketplace-uploads"),
        spec: { accessModes: ["ReadWriteOnce"], volumeMode: "Filesystem", resources: { requests: { storage: "1073741824" } } },
      },
    },
    {
      name: "uploads PVC under deletionPolicy Retain: no owner reference",
      got: () => buildUploadsPvc(withSpec(marketplace(), (s) => { s.deletionPolicy = "Retain"; })),
      want: {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: retainedMeta("marketplace", "uploads", "marketplace-uploads"),
        spec: { accessModes: ["ReadWriteOnce"], volumeMode: "Filesystem", resources: { requests: { storage: "10Gi" } } },
      },
    },
    {
      name: "PodDisruptionBudget at 3 replicas",
      got: () => buildPodDisruptionBudget(rootForum()),
      want: {
        apiVersion: "policy/v1",
        kind: "PodDisruptionBudget",
        metadata: meta("root-forum", "web", "root-forum-web"),
        spec: { maxUnavailable: 1, selector: { matchLabels: selector("root-forum", "web") } },
      },
    },
    {
      name: "NetworkPolicy around managed PostgreSQL and Redis",
      got: () => buildNetworkPolicy(rootForum()),
      want: {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: meta("root-forum", "backend", "root-forum-backend"),
        spec: {
          podSelector: {
            matchLabels: instance,
            matchExpressions: [{ key: "app.kubernetes.io/component", operator: "In", values: ["postgresql", "redis"] }],
          },
          policyTypes: ["Ingress"],
          ingress: [{ from: [{ podSelector: { matchLabels: instance } }], ports: [{ protocol: "TCP", port: 5432 }, { protocol: "TCP", port: 6379 }] }],
        },
      },
    },
    {
      name: "NetworkPolicy around managed Redis only (external database)",
      got: () => buildNetworkPolicy(withSpec(rootForum(), (s) => { s.database.host = "db.cern.ch"; })),
      want: {
        apiVersion: "networking.k8s.io/v1",
        kind: "NetworkPolicy",
        metadata: meta("root-forum", "backend", "root-forum-backend"),
        spec: {
          podSelector: { matchLabels: instance, matchExpressions: [{ key: "app.kubernetes.io/component", operator: "In", values: ["redis"] }] },
          policyTypes: ["Ingress"],
          ingress: [{ from: [{ podSelector: { matchLabels: instance } }], ports: [{ protocol: "TCP", port: 6379 }] }],
        },
      },
    },
  ];
  for (const c of cases) it(c.name, () => expect(c.got()).to.deep.equal(c.want));

  // Upload size: ingress-nginx's default body limit is 1m; upstream's nginx allows 10m
  // (discourse_docker templates/web.template.yml, param upload_size → client_max_body_size).
  const bodySize: { name: string; className: string | undefined; annotations: Record<string, string> | undefined; want: unknown }[] = [
    { name: "class nginx gets 10m", className: "nginx", annotations: undefined, want: { "nginx.ingress.kubernetes.io/proxy-body-size": "10m" } },
    {
      name: "an nginx annotation without the class gets 10m too",
      className: undefined,
      annotations: { "nginx.ingress.kubernetes.io/ssl-redirect": "true" },
      want: { "nginx.ingress.kubernetes.io/proxy-body-size": "10m", "nginx.ingress.kubernetes.io/ssl-redirect": "true" },
    },
    {
      name: "the user's body size wins",
      className: "nginx",
      annotations: { "nginx.ingress.kubernetes.io/proxy-body-size": "100m" },
      want: { "nginx.ingress.kubernetes.io/proxy-body-size": "100m" },
    },
    { name: "another controller gets nothing", className: "traefik", annotations: undefined, want: undefined },
  ];
  for (const c of bodySize) {
    it(`Ingress body size: ${c.name}`, () => {
      const obj = withSpec(rootForum(), (s) => {
        s.ingress = { enabled: true, kind: "Ingress", tlsSecretName: "root-forum-tls", ...(c.className ? { className: c.className } : {}), ...(c.annotations ? { annotations: c.annotations } : {}) };
      });
      expect(buildIngress(obj)?.metadata?.annotations).to.deep.equal(c.want);
    });
  }

  it("Ingress without className or annotations leaves both out", () => {
    const obj = withSpec(rootForum(), (s) => { s.ingress = { enabled: true, kind: "Ingress", tlsSecretName: "root-forum-tls", annotations: {} }; });
    const ing = buildIngress(obj);
    expect(ing?.metadata).to.deep.equal(meta("root-forum", "web", "root-forum"));
    expect(ing?.spec).to.not.have.property("ingressClassName");
  });
});
