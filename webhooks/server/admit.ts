/**
 * The edge between HTTP and the pure processors: gather cluster facts, run
 * the processor, and for the mutating webhook create the credentials Secret.
 * Every failure becomes a denial; nothing here throws.
 */
import type { Logger } from "../../src/log.js";
import { servesKind } from "../admission/object.js";
import { processMutate } from "../admission/process-mutate.js";
import { processValidate } from "../admission/process-validate.js";
import { backupTarget, processValidateBackup } from "../admission/process-validate-backup.js";
import type { DiscourseLookup } from "../facts/discourse-lookup.js";
import { toErrorResponse } from "../admission/to-admission-response.js";
import type { AdmissionRequest, AdmissionResponse } from "../admission/types.js";
import { ensureCredentialsSecret, type SecretCreator } from "../credentials/ensure-credentials-secret.js";
import { planCredentials } from "../credentials/plan-credentials.js";
import { emptyFacts, type ClusterFacts, type FactsSource } from "../facts/types.js";

export type WebhookKind = "validate" | "mutate" | "validate-backup";

export interface AdmitDeps {
  facts: FactsSource;
  /** Creates the credentials Secret; when absent, no Secret is created (offline runs). */
  secrets?: SecretCreator;
  /** Give up gathering facts after this many milliseconds (the apiserver waits at most timeoutSeconds). */
  factsTimeoutMs: number;
  /** Whether a Discourse exists (DiscourseBackup CREATE); when absent, existence is not checked (offline runs). */
  discourses?: DiscourseLookup;
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

async function gatherFacts(request: AdmissionRequest, deps: AdmitDeps): Promise<ClusterFacts> {
  if (!needsFacts(request)) return emptyFacts();
  return withTimeout(deps.facts.gather(request.object, request.namespace ?? ""), deps.factsTimeoutMs, "reading the cluster");
}

async function createCredentials(request: AdmissionRequest, facts: ClusterFacts, deps: AdmitDeps): Promise<AdmissionResponse | null> {
  const plan = deps.secrets ? planCredentials(request, facts) : null;
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
 * @returns the AdmissionResponse; a 500 denial when the cluster cannot be read
 *   or the credentials Secret cannot be created.
 */
export async function admit(kind: WebhookKind, request: AdmissionRequest, deps: AdmitDeps): Promise<AdmissionResponse> {
  if (kind === "validate-backup") return admitBackup(request, deps);
  let facts: ClusterFacts;
  try {
    facts = await gatherFacts(request, deps);
  } catch (err) {
    return toErrorResponse(request.uid, 500, "InternalError", `could not read the cluster state: ${errorMessage(err)}`);
  }
  if (kind === "validate") return processValidate(request, facts);
  const response = processMutate(request, facts);
  if (!response.allowed) return response;
  return (await createCredentials(request, facts, deps)) ?? response;
}

/** A DiscourseBackup request: look the named Discourse up (CREATE), then judge. */
async function admitBackup(request: AdmissionRequest, deps: AdmitDeps): Promise<AdmissionResponse> {
  const target = backupTarget(request);
  if (!target || !deps.discourses) return processValidateBackup(request, {});
  try {
    const exists = await withTimeout(deps.discourses(target.namespace, target.name), deps.factsTimeoutMs, "reading the cluster");
    return processValidateBackup(request, { discourseExists: exists });
  } catch (err) {
    return toErrorResponse(request.uid, 500, "InternalError", `could not read the cluster state: ${errorMessage(err)}`);
  }
}
