/**
 * Certificates kept in a Secret of the real apiserver, and the caBundle
 * written into the webhook configurations after a renewal.
 */
import { expect } from "chai";
import { AdmissionregistrationV1Api, CoreV1Api } from "@kubernetes/client-node";
import { MUTATING_CONFIGURATION_NAME, VALIDATING_CONFIGURATION_NAME } from "../../../src/api/constants.js";
import { defaultCertificateOptions } from "../../../certs/dns-names.js";
import { createCertificateSet } from "../../../certs/generate.js";
import { loadOrCreateCertificates } from "../../../certs/rotation.js";
import { SecretCertificateStore } from "../../../certs/secret-store.js";
import { serviceEndpoint } from "../../../webhooks/configurations/build-configurations.js";
import { injectCaBundle, registerWebhooks } from "../../../webhooks/configurations/register-webhooks.js";
import { env, newNamespace } from "../../hooks/control-plane.js";

describe("certificates in a Secret; caBundle injection", function () {
  this.timeout(30000);

  it("load-or-create: the first start creates the Secret, a restart (or another replica) loads the same set", async () => {
    const ns = await newNamespace("webhook-certs");
    const core = env().kc.makeApiClient(CoreV1Api);
    const options = defaultCertificateOptions();
    const first = await loadOrCreateCertificates(new SecretCertificateStore(core, ns), options);
    const second = await loadOrCreateCertificates(new SecretCertificateStore(core, ns), options);
    expect([first.outcome, second.outcome]).to.deep.equal(["created", "loaded"]);
    expect(second.stored).to.deep.equal(first.stored);
    const secret = await core.readNamespacedSecret({ namespace: ns, name: "discourse-operator-webhook-cert" });
    expect([secret.type, Object.keys(secret.data ?? {}).sort()]).to.deep.equal([
      "kubernetes.io/tls",
      ["ca-bundle.crt", "ca.crt", "ca.key", "tls.crt", "tls.key"],
    ]);
  });

  it("a write from a stale read is refused, so two replicas renewing at once cannot overwrite each other", async () => {
    const ns = await newNamespace("webhook-certs");
    const store = new SecretCertificateStore(env().kc.makeApiClient(CoreV1Api), ns);
    const set = await createCertificateSet(defaultCertificateOptions());
    const v1 = await store.save(set, null);
    expect(v1).to.be.a("string");
    expect(await store.save(set, null), "create when it exists").to.equal(null);
    const renewed = await createCertificateSet(defaultCertificateOptions());
    const v2 = await store.save(renewed, v1);
    expect(v2).to.be.a("string").and.not.equal(v1);
    expect(await store.save(set, v1), "update from a stale version").to.equal(null);
    expect((await store.load())?.set).to.deep.equal(renewed);
  });

  it("registerWebhooks then injectCaBundle: only the caBundle of both configurations changes", async () => {
    const api = env().kc.makeApiClient(AdmissionregistrationV1Api);
    const a = await createCertificateSet(defaultCertificateOptions());
    const b = await createCertificateSet(defaultCertificateOptions());
    try {
      await registerWebhooks(env().kc, serviceEndpoint(), a.caBundle);
      await registerWebhooks(env().kc, serviceEndpoint(), a.caBundle); // update path: idempotent
      const before = await api.readValidatingWebhookConfiguration({ name: VALIDATING_CONFIGURATION_NAME });
      await injectCaBundle(env().kc, a.caBundle + b.caBundle);
      const v = await api.readValidatingWebhookConfiguration({ name: VALIDATING_CONFIGURATION_NAME });
      const m = await api.readMutatingWebhookConfiguration({ name: MUTATING_CONFIGURATION_NAME });
      const bundle = Buffer.from(a.caBundle + b.caBundle).toString("base64");
      expect([v.webhooks?.[0]?.clientConfig.caBundle, m.webhooks?.[0]?.clientConfig.caBundle]).to.deep.equal([bundle, bundle]);
      expect({ ...v.webhooks?.[0], clientConfig: { ...v.webhooks?.[0]?.clientConfig, caBundle: "" } }).to.deep.equal({
        ...before.webhooks?.[0],
        clientConfig: { ...before.webhooks?.[0]?.clientConfig, caBundle: "" },
      });
    } finally {
      await api.deleteValidatingWebhookConfiguration({ name: VALIDATING_CONFIGURATION_NAME }).catch(() => undefined);
      await api.deleteMutatingWebhookConfiguration({ name: MUTATING_CONFIGURATION_NAME }).catch(() => undefined);
    }
  });
});
