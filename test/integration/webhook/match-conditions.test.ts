/**
 * The webhooks' match conditions (build-configurations.ts `matchConditions`) on the real
 * apiserver: which requests it sends to the webhook, and what still works while the
 * webhook is down. The webhook runs on this machine (url mode) and is unregistered
 * afterwards, so other test files of the run are not affected.
 */
import { expect } from "chai";
import { pino } from "pino";
import { stringify } from "yaml";
import { MUTATE_PATH, VALIDATE_PATH } from "../../../src/api/constants.js";
import { attemptName } from "../../hooks/attempt.js";
import { installCrd, kubectl, newNamespace } from "../../hooks/control-plane.js";
import { startUrlModeWebhook, testApiserverCallers, type UrlModeWebhook } from "../../hooks/url-mode-webhook.js";
import { waitFor } from "../../hooks/wait.js";

/** A finalizer of this test's own: nothing but the test removes it. */
const HOLD = "test.discourse.cern/hold";

const forum = (name: string): Record<string, unknown> => ({
  apiVersion: "discourse.cern/v1alpha1",
  kind: "Discourse",
  metadata: { name },
  spec: { hostname: `${name}.match.example.org`, developerEmails: ["a@example.org"] },
});

/** The path and resource of an `admission` log line; nothing for other lines. */
function admissionLine(line: string): Array<{ path: string; resource: string }> {
  const l = JSON.parse(line) as { msg?: string; path?: string; resource?: string };
  return l.msg === "admission" && l.path && l.resource ? [{ path: l.path, resource: l.resource }] : [];
}

describe("webhook match conditions, on the real apiserver", function () {
  this.timeout(60000);
  let served: UrlModeWebhook | undefined;
  let ns: string;
  /**
   * The admission requests the webhook answered, in order, from its log lines (written before
   * the answer leaves): path and `namespace/name`. Other test files' forums (a namespace being
   * deleted sends its Discourses' DELETEs) reach the same webhook, so `reached` keeps this
   * file's namespace only.
   */
  const received: Array<{ path: string; resource: string }> = [];

  const create = (name: string) => kubectl(["create", "-n", ns, "-f", "-"], { input: stringify(forum(name)) });
  async function created(name: string): Promise<void> {
    const r = await create(name);
    expect(r.code, r.stderr).to.equal(0);
  }
  const merge = (name: string, patch: unknown) => kubectl(["patch", "-n", ns, "discourse", name, "--type", "merge", "-p", JSON.stringify(patch)]);
  /** Runs `action` and returns which webhooks it reached: "mutate" and "validate" for each request sent. */
  async function reached(action: () => Promise<{ code: number; stderr: string }>): Promise<string[]> {
    const before = received.length;
    const r = await action();
    expect(r.code, r.stderr).to.equal(0);
    return received
      .slice(before)
      .filter((r) => r.resource.startsWith(`${ns}/`))
      .map(({ path }) => (path.startsWith(MUTATE_PATH) ? "mutate" : path.startsWith(VALIDATE_PATH) ? "validate" : path));
  }

  before(async () => {
    await installCrd();
    const lines = { write: (line: string) => void received.push(...admissionLine(line)) };
    served = await startUrlModeWebhook("webhook-match", testApiserverCallers(), pino({ level: "info" }, lines));
    ns = await newNamespace("webhook-match");
    // The apiserver picks the new configurations up from its informer: wait until a dry run reaches the webhook.
    await waitFor("the apiserver to call the webhook", async () => {
      const before = received.length;
      await kubectl(["create", "--dry-run=server", "-n", ns, "-f", "-"], { input: stringify(forum("probe")) });
      return received.length > before;
    });
  });

  after(async () => served?.stop());

  it("a CREATE reaches both webhooks", async function () {
    const name = attemptName(this, "created");
    expect(await reached(() => create(name))).to.deep.equal(["mutate", "validate"]);
  });

  it("an UPDATE of the finalizers alone reaches neither, and is stored", async function () {
    const held = attemptName(this, "held");
    await created(held);
    expect(await reached(() => merge(held, { metadata: { finalizers: [HOLD] } }))).to.deep.equal([]);
    const got = await kubectl(["get", "-n", ns, "discourse", held, "-o", "jsonpath={.metadata.finalizers}"]);
    expect(JSON.parse(got.stdout)).to.deep.equal([HOLD]);
  });

  it("an UPDATE of spec, of a label or of an annotation reaches both", async function () {
    const edited = attemptName(this, "edited");
    await created(edited);
    expect(await reached(() => merge(edited, { spec: { replicas: 2 } }))).to.deep.equal(["mutate", "validate"]);
    expect(await reached(() => merge(edited, { metadata: { labels: { team: "root" } } }))).to.deep.equal(["mutate", "validate"]);
    expect(await reached(() => merge(edited, { metadata: { annotations: { note: "x" } } }))).to.deep.equal(["mutate", "validate"]);
  });

  it("a forum deleted before the webhook went down loses its finalizer and goes, while a change of spec is refused", async function () {
    const leaving = attemptName(this, "leaving");
    await created(leaving);
    await merge(leaving, { metadata: { finalizers: [HOLD] } });
    // The DELETE is validated (deletion protection), so it is sent while the webhook answers.
    expect(await reached(() => kubectl(["delete", "-n", ns, "discourse", leaving, "--wait=false"]))).to.deep.equal(["validate"]);
    // Last test of the file: the webhook stays closed (`after` unregisters it), so from here
    // on a retry could not even create its forum.
    this.retries(0);
    await served?.webhook.server.close();
    const refused = await merge(leaving, { spec: { replicas: 2 } });
    expect(refused.code).to.not.equal(0);
    expect(refused.stderr).to.match(/failed calling webhook/);
    const released = await merge(leaving, { metadata: { finalizers: null } });
    expect(released.code, released.stderr).to.equal(0);
    await waitFor("the forum to be gone", async () => (await kubectl(["get", "-n", ns, "discourse", leaving])).stderr.includes("NotFound"));
  });
});
