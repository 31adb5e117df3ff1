/**
 * Names under which the apiserver and local tools reach the webhook.
 */
import { OPERATOR_NAMESPACE, WEBHOOK_SERVICE_NAME } from "../src/api/constants.js";
import type { CertificateOptions } from "./types.js";

/**
 * The DNS names of a Service, as the apiserver dials it
 * (https://kubernetes.io/docs/concepts/services-networking/dns-pod-service/#services):
 * `<svc>`, `<svc>.<ns>`, `<svc>.<ns>.svc`, `<svc>.<ns>.svc.cluster.local`.
 * The apiserver uses `<svc>.<ns>.svc` as the TLS server name; it comes first.
 */
export function serviceDnsNames(service: string = WEBHOOK_SERVICE_NAME, namespace: string = OPERATOR_NAMESPACE): string[] {
  return [`${service}.${namespace}.svc`, service, `${service}.${namespace}`, `${service}.${namespace}.svc.cluster.local`];
}

/** Defaults: the webhook Service names plus localhost and 127.0.0.1, one year, renewal at 2/3. */
export function defaultCertificateOptions(overrides: Partial<CertificateOptions> = {}): CertificateOptions {
  return {
    dnsNames: [...serviceDnsNames(), "localhost"],
    ipAddresses: ["127.0.0.1"],
    validityMs: 365 * 24 * 3600_000,
    backdateMs: 5 * 60_000,
    renewAtFraction: 2 / 3,
    ...overrides,
  };
}
