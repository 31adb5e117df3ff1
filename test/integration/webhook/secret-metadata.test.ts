/**
 * The webhook's Secret reads are metadata-only (issue 11, least privilege):
 * against the real apiserver, the answer is a PartialObjectMetadata without
 * `data`, and KubeFactsSource hands the rules labels and nothing else.
 */
import { expect } from "chai";
import { KubeFactsSource } from "../../../webhooks/facts/kube-facts.js";
import { SecretMetadataApi } from "../../../webhooks/facts/secret-metadata.js";
import { env, kubectl, newNamespace } from "../../hooks/control-plane.js";

describe("Secret existence is read as metadata only", function () {
  this.timeout(30_000);
  let ns: string;
  before(async () => {
    ns = await newNamespace("secret-metadata");
    const r = await kubectl(["create", "secret", "generic", "-n", ns, "db", "--from-literal=password=never-read"]);
    expect(r.code, r.stderr).to.equal(0);
    expect((await kubectl(["label", "secret", "-n", ns, "db", "app.kubernetes.io/instance=forum"])).code).to.equal(0);
  });

  it("the apiserver answers a PartialObjectMetadata: no data, no stringData, no type", async () => {
    const answer = (await SecretMetadataApi.fromKubeConfig(env().kc).readSecretMetadata({ namespace: ns, name: "db" })) as Record<string, unknown>;
    expect([answer.kind, answer.apiVersion]).to.deep.equal(["PartialObjectMetadata", "meta.k8s.io/v1"]);
    expect(answer).to.not.have.any.keys("data", "stringData", "type");
    expect(JSON.stringify(answer)).to.not.include(Buffer.from("never-read").toString("base64"));
  });

  it("the facts source knows the labels of a Secret that exists and nothing of one that does not", async () => {
    const source = KubeFactsSource.fromKubeConfig(env().kc);
    const found = await source.secretsMetadata(ns, ["db", "missing"]);
    expect([...found]).to.deep.equal([["db", { labels: { "app.kubernetes.io/instance": "forum" } }]]);
  });
});
