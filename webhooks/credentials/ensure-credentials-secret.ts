/**
 * Creating the generated credentials Secret without ever overwriting one.
 */
import { apiErrorCode } from "../../src/kube/errors.js";
import type { CoreV1Api, V1Secret } from "@kubernetes/client-node";
import { buildCredentialsSecret } from "./build-credentials-secret.js";
import { generatePassword } from "./generate-password.js";
import type { CredentialsPlan } from "./plan-credentials.js";

/** The one call this needs; CoreV1Api satisfies it. */
export type SecretCreator = Pick<CoreV1Api, "createNamespacedSecret">;

/**
 * Create the Secret with a fresh password. A plain create is conflict-safe:
 * when the apiserver answers 409 AlreadyExists, someone (another webhook
 * replica, the user) made it first, and theirs is kept as it is: no update,
 * no new password.
 *
 * @returns "created", or "exists" on 409.
 * @throws Error (without the Secret's data) on any other API failure.
 */
export async function ensureCredentialsSecret(api: SecretCreator, plan: CredentialsPlan): Promise<"created" | "exists"> {
  const body: V1Secret = buildCredentialsSecret(plan, generatePassword());
  try {
    await api.createNamespacedSecret({ namespace: plan.namespace, body });
    return "created";
  } catch (err) {
    const code = apiErrorCode(err);
    if (code === 409) return "exists";
    // Never rethrow the client's error: keep the message free of the request.
    throw new Error(`creating Secret ${plan.namespace}/${plan.secretName} failed with HTTP ${code ?? "error"}`);
  }
}
