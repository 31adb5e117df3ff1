/**
 * `npm run demo`: the operator as `npm start` runs it, then what a user looks
 * at: the cluster's (simulated) nodes, the three sample forums reconciled,
 * malformed forums rejected with their field errors, `kubectl explain`, the
 * children of one forum, a drift corrected, the reconciler's log lines, and
 * last `kubectl wait --for=condition=Ready dsc --all` and `kubectl get dsc`
 * with every forum Ready. Everything it starts stops at the end.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { REPO_ROOT } from "./envtest/binaries.js";
import { KUBECONFIG_PATH } from "./envtest/cluster.js";
import { clusterConfigured } from "./kube/config.js";

const NAMESPACE = "discourse-demo";
const LOG = join(REPO_ROOT, ".envtest", "demo-operator.log");

function kubectl(args: string[], env: NodeJS.ProcessEnv): { ok: boolean; out: string } {
  try {
    return { ok: true, out: execFileSync("kubectl", args, { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }) };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { ok: false, out: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
}

function show(title: string, args: string[], env: NodeJS.ProcessEnv): string {
  console.log(`\n\x1b[1m== ${title}\x1b[0m\n$ kubectl ${args.join(" ")}`);
  const { ok, out } = kubectl(args, env);
  console.log(out.trimEnd() + (ok ? "" : "\n(exit status non-zero)"));
  return out;
}

async function waitFor(what: string, timeoutMs: number, check: () => boolean): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(250);
  }
}

const logText = (): string => (existsSync(LOG) ? readFileSync(LOG, "utf8") : "");

async function main(): Promise<void> {
  const local = !clusterConfigured();
  // The operator decides for itself (as `npm start` does); kubectl then follows it.
  const operatorEnv = { ...process.env, LOG_FORMAT: "pretty" };
  const env = { ...operatorEnv, ...(local ? { KUBECONFIG: KUBECONFIG_PATH } : {}) };
  console.log(local ? "No cluster configured: the operator starts the local control plane." : "Using the cluster in KUBECONFIG.");
  const operator = spawn(process.execPath, ["--import", "tsx", join(REPO_ROOT, "src", "cli.ts"), "run", "--local-if-no-cluster"], {
    env: operatorEnv,
    stdio: ["ignore", openSync(LOG, "w"), "inherit"],
  });
  let running = true;
  const exited = new Promise<void>((resolve) => operator.once("exit", () => ((running = false), resolve())));
  try {
    await waitFor("the operator to be ready", 30 * 60_000, () => {
      if (!running) throw new Error(`the operator exited before it was ready; see ${LOG}`);
      return logText().includes("operator ready");
    });
    await runScenes(env);
  } finally {
    if (running) operator.kill("SIGTERM");
    await exited;
  }
}

async function runScenes(env: NodeJS.ProcessEnv): Promise<void> {
  kubectl(["create", "namespace", NAMESPACE], env);
  show("The nodes pods run on (simulated by KWOK on the local control plane)", ["get", "nodes", "-L", "topology.kubernetes.io/zone"], env);
  show("Apply the three CERN sample forums", ["apply", "-n", NAMESPACE, "-k", "manifests/samples/"], env);
  const children = (name: string): string => kubectl(["get", "deploy,svc,cm,pvc,statefulset", "-n", NAMESPACE, "-l", `app.kubernetes.io/instance=${name}`, "-o", "name"], env).out;
  await waitFor("the forums' children", 60_000, () => ["root-forum", "marketplace", "eos-community"].every((n) => children(n).includes(`deployment.apps/${n}-web`)));
  show("The forums (kubectl get dsc)", ["get", "dsc", "-n", NAMESPACE], env);
  show("A malformed forum is rejected by the schema", ["apply", "-n", NAMESPACE, "-f", "manifests/samples/invalid/broken-forum.yaml"], env);
  show("A forum that passes the schema but breaks the rules is rejected by the validating webhook, every problem at once", [
    "apply", "-n", NAMESPACE, "-f", "manifests/samples/invalid/clashing-forum.yaml",
  ], env);
  show("What a field means and defaults to", ["explain", "discourse.spec.replicas"], env);
  show("The fields of spec", ["explain", "discourse.spec"], env);
  show("Everything the operator made for root-forum", [
    "get", "deploy,statefulset,svc,ingress,cm,secret,pvc,pdb,networkpolicy,job", "-n", NAMESPACE, "-l", "app.kubernetes.io/instance=root-forum",
  ], env);
  // Until its first migration succeeded a forum runs 0 web pods; the drift scene starts from the running forum.
  kubectl(["wait", "--for=condition=Ready", "dsc/root-forum", "-n", NAMESPACE, "--timeout=300s"], env);
  show("Someone scales the web Deployment by hand", ["scale", "deployment/root-forum-web", "-n", NAMESPACE, "--replicas=7"], env);
  await waitFor("the drift to be corrected", 30_000, () => kubectl(["get", "deployment/root-forum-web", "-n", NAMESPACE, "-o", "jsonpath={.spec.replicas}"], env).out === "3");
  show("…and the reconciler puts it back", ["get", "deployment/root-forum-web", "-n", NAMESPACE], env);
  show("The story in Events (kubectl describe dsc root-forum)", ["describe", "dsc", "root-forum", "-n", NAMESPACE], env);
  console.log("\n\x1b[1m== The reconciler's log lines for root-forum: one per action, one per reconcile\x1b[0m");
  const lines = logText()
    .split("\n")
    .filter((l) => l.includes('"component":"reconciler"') && l.includes("(root-forum)"));
  const actions = lines.filter((l) => l.includes('"action":'));
  const reconciles = lines.filter((l) => l.includes('"outcome":'));
  console.log([...actions, ...reconciles.slice(-3)].join("\n"));
  console.log(`(${reconciles.length} reconciles of root-forum in all; after the first, only what drifted is written)`);
  console.log(`\nFull operator log: ${LOG}`);
  everyForumReady(env);
}

/** The last scene: every forum Ready, as a user checks it. @throws Error when `kubectl wait` fails. */
function everyForumReady(env: NodeJS.ProcessEnv): void {
  show("Where the pods of root-forum run", ["get", "pods", "-n", NAMESPACE, "-l", "app.kubernetes.io/instance=root-forum", "-o", "wide"], env);
  const args = ["wait", "--for=condition=Ready", "dsc", "--all", "-n", NAMESPACE, "--timeout=300s"];
  console.log(`\n\x1b[1m== Every forum becomes Ready\x1b[0m\n$ kubectl ${args.join(" ")}`);
  const waited = kubectl(args, env);
  console.log(waited.out.trimEnd());
  show("The forums, Ready", ["get", "dsc", "-n", NAMESPACE], env);
  if (!waited.ok) throw new Error("not every forum became Ready (kubectl wait failed)");
}

main().catch((err: unknown) => {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
