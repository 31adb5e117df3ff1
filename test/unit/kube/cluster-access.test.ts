import { expect } from "chai";
import { mkdtempSync, writeFileSync } from "node:fs";
import { Agent as HttpsAgent } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { loadClusterAccess } from "../../../src/kube/cluster-access.js";

const dir = mkdtempSync(join(tmpdir(), "cluster-access-"));

function kubeconfig(name: string, cluster: Record<string, unknown>, user: Record<string, unknown>): string {
  const path = join(dir, name);
  writeFileSync(path, stringify({
    apiVersion: "v1", kind: "Config", "current-context": "c",
    clusters: [{ name: "k", cluster }, { name: "other", cluster: { server: "https://wrong:1" } }],
    users: [{ name: "u", user }],
    contexts: [{ name: "c", context: { cluster: "k", user: "u" } }],
  }));
  return path;
}

describe("loadClusterAccess", function () {
  this.timeout(30_000); // the fallbacks load @kubernetes/client-node, several seconds under tsx
  const saved = process.env.KUBECONFIG;
  afterEach(() => (saved === undefined ? delete process.env.KUBECONFIG : (process.env.KUBECONFIG = saved)));

  it("reads the current context's cluster and client certificate (inline data and files relative to the kubeconfig)", async () => {
    writeFileSync(join(dir, "ca.crt"), "CA-PEM");
    const path = kubeconfig("cert.yaml", { server: "https://10.0.0.1:6443/", "certificate-authority": "ca.crt" }, { "client-certificate-data": Buffer.from("CERT").toString("base64"), "client-key-data": Buffer.from("KEY").toString("base64") });
    const access = await loadClusterAccess(path);
    expect(access.server).to.equal("https://10.0.0.1:6443");
    const { agent, headers } = await access.prepare();
    expect(agent).to.be.instanceOf(HttpsAgent);
    const o = (agent as HttpsAgent).options;
    expect([o.ca, o.cert, o.key].map((b) => (b as Buffer).toString()).concat(String(o.keepAlive))).to.deep.equal(["CA-PEM", "CERT", "KEY", "true"]);
    expect(headers).to.deep.equal({});
    expect((await access.prepare()).agent, "one keep-alive agent for every request").to.equal(agent);
  });

  it("limits the requests' connections, and gives watches an agent of their own that never takes them", async () => {
    const access = await loadClusterAccess(kubeconfig("agents.yaml", { server: "https://h:1" }, { token: "t" }));
    const { agent, watchAgent } = await access.prepare();
    expect(agent.maxSockets).to.equal(32);
    expect(watchAgent).to.not.equal(agent);
    expect(watchAgent.maxSockets).to.equal(Infinity);
    expect((watchAgent as HttpsAgent).options).to.include({ keepAlive: true });
    expect((await access.prepare()).watchAgent).to.equal(watchAgent);
  });

  it("sends a bearer token, and honours insecure-skip-tls-verify and tls-server-name", async () => {
    const access = await loadClusterAccess(kubeconfig("token.yaml", { server: "https://h:1", "insecure-skip-tls-verify": true, "tls-server-name": "api.internal" }, { token: "t0k3n" }));
    const { agent, headers } = await access.prepare();
    expect(headers).to.deep.equal({ Authorization: "Bearer t0k3n" });
    expect((agent as HttpsAgent).options).to.include({ rejectUnauthorized: false, servername: "api.internal" });
  });

  it("reads a tokenFile", async () => {
    writeFileSync(join(dir, "token"), "from-file\n");
    const access = await loadClusterAccess(kubeconfig("tokenfile.yaml", { server: "https://h:1" }, { tokenFile: join(dir, "token") }));
    expect((await access.prepare()).headers).to.deep.equal({ Authorization: "Bearer from-file" });
  });

  it("uses KUBECONFIG when no path is given", async () => {
    process.env.KUBECONFIG = kubeconfig("env.yaml", { server: "https://from-env:6443" }, { token: "x" });
    expect((await loadClusterAccess()).server).to.equal("https://from-env:6443");
  });

  it("leaves an exec plugin to @kubernetes/client-node, which runs it", async () => {
    const credential = JSON.stringify({ apiVersion: "client.authentication.k8s.io/v1", kind: "ExecCredential", status: { token: "from-exec" } });
    const path = kubeconfig("exec.yaml", { server: "https://h:1" }, { exec: { apiVersion: "client.authentication.k8s.io/v1", command: "sh", args: ["-c", `echo '${credential}'`], interactiveMode: "Never" } });
    const access = await loadClusterAccess(path);
    expect((await access.prepare()).headers).to.deep.include({ Authorization: "Bearer from-exec" });
  });

  it("leaves several KUBECONFIG files (merged by the library) to @kubernetes/client-node", async () => {
    const a = kubeconfig("a.yaml", { server: "https://first:1" }, { token: "a" });
    const b = join(dir, "b.yaml");
    writeFileSync(b, stringify({ apiVersion: "v1", kind: "Config", clusters: [{ name: "k2", cluster: { server: "https://second:1" } }], users: [{ name: "u2", user: { token: "b" } }], contexts: [{ name: "c2", context: { cluster: "k2", user: "u2" } }] }));
    process.env.KUBECONFIG = [a, b].join(":");
    expect((await loadClusterAccess()).server).to.equal("https://first:1");
  });
});
