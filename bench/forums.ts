/**
 * The forums the benchmarks create: the ROOT forum sample
 * (manifests/samples/root-forum.yaml: 3 web pods, 2 sidekiq, managed
 * PostgreSQL and Redis, plugins, SMTP, Ingress, PDB, NetworkPolicy) under
 * another name and hostname, its credentials Secret as the mutating webhook
 * would make it, and the children the reconciler must create for it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { DefaultedDiscourse, Discourse } from "../src/api/types.js";
import { REPO_ROOT } from "../src/envtest/binaries.js";
import { buildAll, type DesiredChild } from "../reconciler/builders/index.js";
import { buildCredentialsSecret } from "../webhooks/credentials/build-credentials-secret.js";
import { generatePassword } from "../webhooks/credentials/generate-password.js";
import { planFromDefaulted } from "../webhooks/credentials/plan-credentials.js";
import { applyDefaults } from "../webhooks/defaulting/apply-defaults.js";

/** The sample every benchmark forum is made from. */
export const SAMPLE_PATH = join(REPO_ROOT, "manifests", "samples", "root-forum.yaml");

/** Name of the i-th benchmark forum. */
export function forumName(i: number): string {
  return `forum-${String(i).padStart(4, "0")}`;
}

/**
 * The sample under `name` in `namespace`, with hostname `<name>.bench.example.org`
 * and without deletion protection (the benchmark deletes what it made).
 */
export function forumObject(name: string, namespace: string): Discourse {
  const sample = parse(readFileSync(SAMPLE_PATH, "utf8")) as Discourse;
  return {
    ...sample,
    metadata: { name, namespace },
    spec: { ...sample.spec, hostname: `${name}.bench.example.org`, deletionProtection: false },
  };
}

/** The forum after defaulting (no OpenShift Routes on the local control plane). */
export function defaulted(obj: Discourse): DefaultedDiscourse {
  return applyDefaults(obj, { routeApiAvailable: false });
}

/** The credentials Secret the mutating webhook creates on CREATE (same plan, same builder). */
export function credentialsSecret(d: DefaultedDiscourse): object {
  const plan = planFromDefaulted(d, d.metadata.namespace ?? "");
  if (!plan) throw new Error(`no credentials plan for ${d.metadata.name ?? ""}`);
  return buildCredentialsSecret(plan, generatePassword());
}

/**
 * The children the reconciler creates for `d`: every non-null entry of buildAll
 * but the `patchIfExists` ones (the credentials Secret exists before, the
 * database claim is made by the StatefulSet controller).
 */
export function createdChildren(d: DefaultedDiscourse): DesiredChild[] {
  return buildAll(d).filter((c) => c.object !== null && c.mode !== "patchIfExists");
}

/** The web Deployment of the forum `name` in `namespace` (owned by a placeholder uid). @throws Error when the builders make none. */
export function webDeployment(name: string, namespace: string): DesiredChild {
  const d = defaulted(forumObject(name, namespace));
  const web = createdChildren({ ...d, metadata: { ...d.metadata, uid: "00000000-0000-4000-8000-000000000001" } }).find((c) => c.kind === "Deployment");
  if (!web) throw new Error("the builders made no Deployment");
  return web;
}

/** `Kind/name`, the key the watchers use. */
export function childKey(kind: string, name: string): string {
  return `${kind}/${name}`;
}
