import { expect } from "chai";
import {
  buildMutatingWebhookConfiguration,
  buildValidatingWebhookConfiguration,
  serviceEndpoint,
  urlEndpoint,
} from "../../../webhooks/configurations/build-configurations.js";
import { caBundlePatch } from "../../../webhooks/configurations/register-webhooks.js";

const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
const CA = Buffer.from(PEM).toString("base64");
/** Every namespace: kube-system and the operator's own are not left out. */
const selector = {};
const rules = (operations: string[], resource = "discourses"): unknown[] => [
  { apiGroups: ["discourse.cern"], apiVersions: ["v1alpha1"], resources: [resource], operations, scope: "Namespaced" },
];
const labels = { "app.kubernetes.io/managed-by": "discourse-operator" };
/** Every webhook is skipped for an UPDATE that leaves spec, labels and annotations alone (test/integration/webhook/match-conditions.test.ts runs it). */
const matchConditions = [
  {
    name: "changes-spec-labels-or-annotations",
    expression:
      "request.operation != 'UPDATE' || !has(object.spec) || !has(oldObject.spec) || object.spec != oldObject.spec" +
      " || (has(object.metadata.labels) ? object.metadata.labels : {}) != (has(oldObject.metadata.labels) ? oldObject.metadata.labels : {})" +
      " || (has(object.metadata.annotations) ? object.metadata.annotations : {}) != (has(oldObject.metadata.annotations) ? oldObject.metadata.annotations : {})",
  },
];

describe("webhook configurations", () => {
  const cases = [
    {
      name: "validating, in cluster: clientConfig.service",
      got: buildValidatingWebhookConfiguration(serviceEndpoint(), PEM),
      want: {
        apiVersion: "admissionregistration.k8s.io/v1",
        kind: "ValidatingWebhookConfiguration",
        metadata: { name: "discourse-operator-validating", labels },
        webhooks: [
          {
            name: "validate.discourse.cern",
            clientConfig: {
              service: { namespace: "discourse-operator-system", name: "discourse-operator-webhook", port: 9443, path: "/validate-discourse-cern-v1alpha1-discourse" },
              caBundle: CA,
            },
            rules: rules(["CREATE", "UPDATE", "DELETE"]),
            matchConditions,
            failurePolicy: "Fail",
            sideEffects: "None",
            matchPolicy: "Equivalent",
            timeoutSeconds: 10,
            admissionReviewVersions: ["v1"],
            namespaceSelector: selector,
          },
          {
            name: "validate-backup.discourse.cern",
            clientConfig: {
              service: { namespace: "discourse-operator-system", name: "discourse-operator-webhook", port: 9443, path: "/validate-discourse-cern-v1alpha1-discoursebackup" },
              caBundle: CA,
            },
            rules: rules(["CREATE", "UPDATE"], "discoursebackups"),
            matchConditions,
            failurePolicy: "Fail",
            sideEffects: "None",
            matchPolicy: "Equivalent",
            timeoutSeconds: 10,
            admissionReviewVersions: ["v1"],
            namespaceSelector: selector,
          },
        ],
      },
    },
    {
      name: "mutating, on the developer's machine: clientConfig.url",
      got: buildMutatingWebhookConfiguration(urlEndpoint(40123), PEM),
      want: {
        apiVersion: "admissionregistration.k8s.io/v1",
        kind: "MutatingWebhookConfiguration",
        metadata: { name: "discourse-operator-mutating", labels },
        webhooks: [
          {
            name: "default.discourse.cern",
            clientConfig: { url: "https://127.0.0.1:40123/mutate-discourse-cern-v1alpha1-discourse", caBundle: CA },
            rules: rules(["CREATE", "UPDATE"]),
            matchConditions,
            failurePolicy: "Fail",
            sideEffects: "NoneOnDryRun",
            matchPolicy: "Equivalent",
            reinvocationPolicy: "IfNeeded",
            timeoutSeconds: 10,
            admissionReviewVersions: ["v1"],
            namespaceSelector: selector,
          },
        ],
      },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(c.got).to.deep.equal(c.want);
    });
  }

  it("an operator installed elsewhere still leaves out no namespace, its own included", () => {
    const got = buildValidatingWebhookConfiguration(serviceEndpoint("ops", 8443), PEM).webhooks?.[0];
    expect(got?.namespaceSelector).to.deep.equal({});
    expect(got?.clientConfig.service?.port).to.equal(8443);
  });

  it("neither configuration has an object selector: every Discourse is sent", () => {
    for (const c of [buildValidatingWebhookConfiguration(serviceEndpoint(), PEM), buildMutatingWebhookConfiguration(serviceEndpoint(), PEM)]) {
      expect(c.webhooks?.[0]?.objectSelector).to.equal(undefined);
    }
  });

  it("an IPv6 host is bracketed in the URL", () => {
    const got = buildValidatingWebhookConfiguration(urlEndpoint(9443, "::1"), PEM).webhooks?.[0];
    expect(got?.clientConfig.url).to.equal("https://[::1]:9443/validate-discourse-cern-v1alpha1-discourse");
  });

  it("caBundlePatch sets the caBundle of every webhook and nothing else", () => {
    expect(caBundlePatch(2, PEM)).to.deep.equal([
      { op: "add", path: "/webhooks/0/clientConfig/caBundle", value: CA },
      { op: "add", path: "/webhooks/1/clientConfig/caBundle", value: CA },
    ]);
  });
});
