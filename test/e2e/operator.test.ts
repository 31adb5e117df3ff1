/**
 * The operator as a user runs it: `discourse-operator run` in its own process
 * against the test control plane, then kubectl as a user types it.
 */
import { expect } from "chai";
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { env, kubectl, newNamespace } from "../hooks/control-plane.js";
import { waitFor } from "../hooks/wait.js";

const CLI = join(import.meta.dirname, "..", "..", "src", "cli.ts");

interface Operator {
  child: ChildProcess;
  lines: () => Array<Record<string, unknown>>;
}

function startOperator(certDir: string): Operator {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", CLI, "run", "--install", "--webhook-port", "0", "--cert-dir", certDir, "--kubeconfig", env().kubeconfigPath],
    { env: { ...process.env, LOG_FORMAT: "json", LOG_LEVEL: "info" }, stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout?.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr?.setEncoding("utf8").on("data", (d: string) => (out += d));
  const lines = () =>
    out
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  return { child, lines };
}


describe("discourse-operator run, driven with kubectl", function () {
  let op: Operator;
  let certDir: string;
  let ns: string;

  before(async function () {
    certDir = mkdtempSync(join(tmpdir(), "operator-certs-"));
    op = startOperator(certDir);
    await waitFor("operator ready", () => op.lines().some((l) => l.msg === "operator ready: webhooks serving, reconciler watching"), 60_000);
    ns = await newNamespace("e2e-operator");
  });

  after(async function () {
    op.child.kill("SIGTERM");
    await new Promise((resolve) => op.child.once("exit", resolve));
    rmSync(certDir, { recursive: true, force: true });
  });

  it("reconciles the three sample forums: kubectl get dsc lists them and every child exists", async () => {
    const apply = await kubectl(["apply", "-n", ns, "-k", "manifests/samples/"]);
    expect(apply.code, apply.stderr).to.equal(0);
    const get = await kubectl(["get", "dsc", "-n", ns]);
    for (const n of ["root-forum", "marketplace", "eos-community"]) expect(get.stdout).to.match(new RegExp(`^${n}\\s+${n}\\.web\\.cern\\.ch`, "m"));
    const expected = ["deployment.apps/root-forum-web", "deployment.apps/root-forum-sidekiq", "statefulset.apps/root-forum-redis", "statefulset.apps/root-forum-postgresql", "service/root-forum-web", "configmap/root-forum-env", "persistentvolumeclaim/root-forum-uploads", "poddisruptionbudget.policy/root-forum-web", "ingress.networking.k8s.io/root-forum", "networkpolicy.networking.k8s.io/root-forum-backend", "secret/root-forum-db-credentials"];
    // and a migration Job, once the managed PostgreSQL and Redis are ready on the simulated nodes
    const names = await waitFor("every child of root-forum", async () => {
      const res = await kubectl(["get", "deploy,statefulset,svc,cm,pvc,pdb,ingress,networkpolicy,job,secret", "-n", ns, "-l", "app.kubernetes.io/instance=root-forum", "-o", "name"]);
      return expected.every((e) => res.stdout.includes(e)) && res.stdout.includes("job.batch/root-forum-migrate-") ? res.stdout : undefined;
    }, 60_000);
    expect(names.split("\n").filter(Boolean)).to.include.members(expected);
  });

  it("brings every sample to Ready on the simulated nodes: kubectl wait succeeds, kubectl get dsc shows READY True", async function () {
    this.timeout(240_000);
    const wait = await kubectl(["wait", "--for=condition=Ready", "dsc", "--all", "-n", ns, "--timeout=180s"]);
    expect(wait.code, wait.stderr).to.equal(0);
    for (const n of ["root-forum", "marketplace", "eos-community"]) expect(wait.stdout).to.include(`discourse.discourse.cern/${n} condition met`);
    const get = await kubectl(["get", "dsc", "-n", ns]);
    expect(get.stdout).to.match(/\bREADY\b/);
    for (const n of ["root-forum", "marketplace", "eos-community"]) expect(get.stdout).to.match(new RegExp(`^${n}\\s.*\\bTrue\\b`, "m"));
  });

  it("rejects a malformed forum with every problem named by its field", async () => {
    const res = await kubectl(["apply", "-n", ns, "-f", "manifests/samples/invalid/clashing-forum.yaml"]);
    expect(res.code).to.not.equal(0);
    expect(res.stderr).to.include('The Discourse "clashing-forum" is invalid:');
    for (const field of ["spec.hostname: Duplicate value", "spec.developerEmails[1]: Duplicate value", "spec.resources.web.requests.cpu: Invalid value", "spec.env[0].name: Forbidden"]) {
      expect(res.stderr).to.include(field);
    }
  });

  it("documents defaults in kubectl explain", async () => {
    const res = await kubectl(["explain", "discourse.spec.replicas"]);
    expect(res.code, res.stderr).to.equal(0);
    expect(res.stdout).to.include("Defaults to 1");
  });

  it("puts a hand-scaled web Deployment back, with one log line and an Event", async function () {
    this.timeout(180_000);
    // once migrated (the simulated nodes run the Jobs), web has the spec's replicas
    await waitFor("root-forum Running", async () => (await kubectl(["get", "dsc/root-forum", "-n", ns, "-o", "jsonpath={.status.phase}"])).stdout === "Running", 120_000);
    const scale = await kubectl(["scale", "deployment/root-forum-web", "-n", ns, "--replicas=7"]);
    expect(scale.code, scale.stderr).to.equal(0);
    await waitFor("replicas back to 3", async () => (await kubectl(["get", "deploy/root-forum-web", "-n", ns, "-o", "jsonpath={.spec.replicas}"])).stdout === "3", 5_000);
    const line = await waitFor("the drift log line", () => op.lines().find((l) => l.msg === "corrected drift in Deployment root-forum-web: spec.replicas 7 → 3"), 5_000);
    expect(line.namespace).to.equal(ns);
    const events = await kubectl(["get", "events", "-n", ns, "--field-selector", "reason=DriftCorrected", "-o", "jsonpath={.items[*].message}"]);
    expect(events.stdout).to.include("corrected drift in Deployment root-forum-web: spec.replicas 7 → 3");
  });

  it("never writes a Secret value to its log", async () => {
    const secret = await kubectl(["get", "secret", "root-forum-db-credentials", "-n", ns, "-o", "jsonpath={.data.password}"]);
    const password = Buffer.from(secret.stdout, "base64").toString("utf8");
    expect(password.length).to.be.at.least(32);
    const all = JSON.stringify(op.lines());
    expect(all).to.not.include(password);
    expect(all).to.not.include(secret.stdout);
  });
});
