/**
 * Who may cause a side effect (shared/API.md, "callers": only the API
 * server's requests may create a Secret). An AdmissionReview is only a JSON
 * body: anyone who reaches port 9443 can forge one, so the server must know
 * who sent it. Three policies:
 *
 * - `client-certificate`: the server asks every client for a certificate and
 *   verifies it against `ca` (and, when given, that its subject CN is one of
 *   `commonNames`). kube-apiserver presents one when its admission
 *   configuration names a kubeconfig for webhooks (`--admission-control-config-file`,
 *   WebhookAdmission `kubeConfigFile`: https://kubernetes.io/docs/reference/access-authn-authz/extensible-admission-controllers/#authenticate-apiservers).
 * - `trusted-network`: every caller is taken as the API server, because the
 *   cluster lets only the control plane reach the port (the NetworkPolicy of
 *   manifests/webhook-callers/); for clusters whose apiserver cannot present a certificate.
 * - `untrusted` (the default): no caller is known, so no request causes a
 *   side effect; the reconciler generates the credentials Secret instead.
 *
 * A caller that is not trusted still gets its validation answer and its
 * defaults (they are pure functions of the body), but no Secret is created
 * and no Secret is looked up for it (the answer would tell which Secrets exist).
 * Its requests are not refused with 401/403: a refusal would tell a forger no
 * more than the answer does, and a misconfigured CA would then break every
 * `kubectl apply` instead of only moving credential generation to the reconciler.
 */
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";

export type CallerPolicy =
  | { mode: "client-certificate"; ca: string; commonNames?: readonly string[] }
  | { mode: "trusted-network" }
  | { mode: "untrusted" };

/** What the server knows of the caller of one request. */
export interface Caller {
  /** True when the request is taken as the API server's: it may cause side effects. */
  trusted: boolean;
  /** For the log line: `client-certificate`, `trusted-network`, or why the caller is not trusted. */
  reason: string;
}

export const UNTRUSTED: CallerPolicy = { mode: "untrusted" };

/** The TLS server options a policy needs (node:tls): ask for a client certificate, never fail the handshake for its absence. */
export function tlsOptionsFor(policy: CallerPolicy): { requestCert: boolean; rejectUnauthorized: boolean; ca?: string } {
  if (policy.mode !== "client-certificate") return { requestCert: false, rejectUnauthorized: false };
  return { requestCert: true, rejectUnauthorized: false, ca: policy.ca };
}

function commonNameOf(socket: TLSSocket): string | undefined {
  const cn: unknown = socket.getPeerCertificate().subject?.CN;
  return typeof cn === "string" ? cn : Array.isArray(cn) && typeof cn[0] === "string" ? cn[0] : undefined;
}

/**
 * The caller of a request on `socket` under `policy`.
 * @param socket - the request's socket (a TLSSocket on the HTTPS server).
 */
export function callerOf(socket: Socket, policy: CallerPolicy): Caller {
  if (policy.mode === "trusted-network") return { trusted: true, reason: "trusted-network" };
  if (policy.mode === "untrusted") return { trusted: false, reason: "no caller authentication configured" };
  const tls = socket as TLSSocket;
  if (!tls.authorized) return { trusted: false, reason: "no client certificate signed by the client CA" };
  const cn = commonNameOf(tls);
  if (policy.commonNames && policy.commonNames.length > 0 && (cn === undefined || !policy.commonNames.includes(cn))) {
    return { trusted: false, reason: "client certificate name not allowed" };
  }
  return { trusted: true, reason: "client-certificate" };
}
