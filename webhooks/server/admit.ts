/**
 * The edge between HTTP and the pure processors: gather cluster facts, run
 * the processor, and for the mutating webhook create the credentials Secret.
 * Every failure becomes a denial; nothing here throws.
 *
 * Only a trusted caller (callers.ts: the API server) causes a side effect or
 * learns anything about Secrets: for anyone else, no Secret is created and no
 * Secret is looked up (facts come only from the request's namespace either way).
 * Whether the credentials Secret exists is decided by creating it: 409
 * AlreadyExists means "exists" (ensure-credentials-secret.ts), never a cache.
 */
import type { Logger } from "../../src/log.js";
import { servesKind } from "../admission/object.js";
import { processMutate } from "../admission/process-mutate.js";
import { processValidate } from "../admission/process-validate.js";
import { toErrorResponse } from "../admission/to-admission-response.js";
import type { AdmissionRequest, AdmissionResponse } from "../admission/types.js";
import { ensureCredentialsSecret, type SecretCreator } from "../credentials/ensure-credentials-secret.js";
import { planCredentials } from "../credentials/plan-credentials.js";
import { emptyFacts, type ClusterFacts, type FactsSource } from "../facts/types.js";
import type { Caller } from "./callers.js";

export type WebhookKind = "validate" | "mutate";

export interface AdmitDeps {
  facts: FactsSource;
  /** Creates the credentials Secret; when absent, no Secret is created (offline runs). */
  secrets?: SecretCreator;
  /** Give up gathering facts after this many milliseconds (the apiserver waits at most timeoutSeconds). */
  factsTimeoutMs: number;
  logger: Logger;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** DELETE needs no facts (deletion protection reads the stored object), nor does a kind we do not serve. */
function needsFacts(request: AdmissionRequest): boolean {
  return servesKind(request) && (request.operation === "CREATE" || request.operation === "UPDATE");
}

/**
 * Secrets are looked up only for the validating webhook (warnings, "belongs to
 * another forum") and only for a trusted caller; the mutating webhook needs none.
 */
async function gatherFacts(kind: WebhookKind, request: AdmissionRequest, deps: AdmitDeps, caller: Caller): Promise<ClusterFacts> {
  if (!needsFacts(request)) return emptyFacts();
  const needs = { secrets: kind === "validate" && caller.trusted };
  return withTimeout(deps.facts.gather(request.object, request.namespace ?? "", needs), deps.factsTimeoutMs, "reading the cluster");
}

async function createCredentials(request: AdmissionRequest, facts: ClusterFacts, deps: AdmitDeps, caller: Caller): Promise<AdmissionResponse | null> {
  const plan = deps.secrets && caller.trusted ? planCredentials(request, facts) : null;
  if (!plan || !deps.secrets) return null;
  try {
    const outcome = await ensureCredentialsSecret(deps.secrets, plan);
    deps.logger.info({ uid: request.uid, secret: `${plan.namespace}/${plan.secretName}`, outcome }, "database credentials Secret");
    return null;
  } catch (err) {
    return toErrorResponse(request.uid, 500, "InternalError", `could not create the database credentials Secret: ${errorMessage(err)}`);
  }
}

/**
 * Answer one AdmissionRequest for the validating or the mutating webhook.
 *
 * @param caller - who sent it (callers.ts); only a trusted caller causes side effects.
 * @returns the AdmissionResponse; a 500 denial when the cluster cannot be read
 *   or the credentials Secret cannot be created.
 */
export async function admit(kind: WebhookKind, request: AdmissionRequest, deps: AdmitDeps, caller: Caller): Promise<AdmissionResponse> {
  let facts: ClusterFacts;
  try {
    facts = await gatherFacts(kind, request, deps, caller);
  } catch (err) {
    return toErrorResponse(request.uid, 500, "InternalError", `could not read the cluster state: ${errorMessage(err)}`);
  }
  if (kind === "validate") return processValidate(request, facts);
  const response = processMutate(request, facts);
  if (!response.allowed) return response;
  return (await createCredentials(request, facts, deps, caller)) ?? response;
}
