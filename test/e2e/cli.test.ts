/**
 * The CLI as a user types it: `discourse-operator <command>` in its own process.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { env, kubectl } from "../hooks/control-plane.js";

const CLI = join(import.meta.dirname, "..", "..", "src", "cli.ts");

function cli(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ["--import", "tsx", CLI, ...args], { env: { ...process.env, LOG_FORMAT: "json" } }, (err, stdout, stderr) =>
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr }),
    );
    if (input !== undefined) child.stdin?.end(input);
  });
}

describe("discourse-operator CLI", function () {
  const commands = ["run", "webhook", "reconciler", "install", "validate", "manifests"];
  for (const command of commands) {
    it(`${command} --help describes the command`, async () => {
      const res = await cli([command, "--help"]);
      expect(res.code, res.stderr).to.equal(0);
      expect(res.stdout).to.include(`Usage: discourse-operator ${command}`);
    });
  }

  describe("validate -f", () => {
    const cases = [
      { name: "the three samples are valid (exit 0)", files: ["manifests/samples/root-forum.yaml", "manifests/samples/marketplace.yaml", "manifests/samples/eos-community.yaml"], code: 0, out: ['Discourse "root-forum" is valid', 'Discourse "marketplace" is valid', 'Discourse "eos-community" is valid'] },
      {
        name: "a broken forum lists every problem like kubectl (exit 1)",
        files: ["manifests/samples/invalid/broken-forum.yaml"],
        code: 1,
        out: ['The Discourse "broken-forum" is invalid:', "* spec.replicas: Invalid value: 99", "* spec.version: Invalid value: \"latest\"", "* spec.developerEmails[0]: Invalid value: \"not-an-email\"", "* spec.env[0].name: Forbidden"],
      },
    ];
    for (const c of cases) {
      it(c.name, async () => {
        const res = await cli(["validate", ...c.files.flatMap((f) => ["-f", f])]);
        expect(res.code).to.equal(c.code);
        for (const line of c.out) expect(res.stdout + res.stderr).to.include(line);
      });
    }

    it("reads standard input with -f - and reports two forums that claim one hostname", async () => {
      const forum = (name: string) => `apiVersion: discourse.cern/v1alpha1\nkind: Discourse\nmetadata:\n  name: ${name}\nspec:\n  hostname: same.web.cern.ch\n  developerEmails: [a@cern.ch]\n`;
      const res = await cli(["validate", "-f", "-"], `${forum("one")}---\n${forum("two")}`);
      expect(res.code).to.equal(1);
      expect(res.stderr).to.include('spec.hostname: Duplicate value: "same.web.cern.ch"');
    });

    it("says so when a file holds no Discourse", async () => {
      const dir = mkdtempSync(join(tmpdir(), "validate-"));
      try {
        writeFileSync(join(dir, "cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
        const res = await cli(["validate", "-f", join(dir, "cm.yaml")]);
        expect(res.stdout + res.stderr).to.include("no Discourse found");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  it("manifests --check finds the committed generated files up to date", async () => {
    const res = await cli(["manifests", "--check"]);
    expect(res.code, res.stderr).to.equal(0);
  });

  it("install --url-host registers the CRD and both webhook configurations with a caBundle", async () => {
    const certDir = mkdtempSync(join(tmpdir(), "install-certs-"));
    try {
      const res = await cli(["install", "--kubeconfig", env().kubeconfigPath, "--url-host", "127.0.0.1", "--webhook-port", "19443", "--cert-dir", certDir]);
      expect(res.code, res.stderr).to.equal(0);
      expect(res.stdout).to.include("url mode, https://127.0.0.1:19443");
      const crd = await kubectl(["get", "crd", "discourses.discourse.cern", "-o", "jsonpath={.status.conditions[?(@.type==\"Established\")].status}"]);
      expect(crd.stdout).to.equal("True");
      for (const kind of ["validatingwebhookconfiguration/discourse-operator-validating", "mutatingwebhookconfiguration/discourse-operator-mutating"]) {
        const url = await kubectl(["get", kind, "-o", "jsonpath={.webhooks[0].clientConfig.url}"]);
        expect(url.stdout).to.match(/^https:\/\/127\.0\.0\.1:19443\/(validate|mutate)-discourse-cern-v1alpha1-discourse$/);
        const ca = await kubectl(["get", kind, "-o", "jsonpath={.webhooks[0].clientConfig.caBundle}"]);
        expect(Buffer.from(ca.stdout, "base64").toString("utf8")).to.include("-----BEGIN CERTIFICATE-----");
      }
    } finally {
      // Nothing serves 19443: leave no webhook registered for the other tests.
      await kubectl(["delete", "validatingwebhookconfiguration/discourse-operator-validating", "mutatingwebhookconfiguration/discourse-operator-mutating", "--ignore-not-found"]);
      rmSync(certDir, { recursive: true, force: true });
    }
  });
});
