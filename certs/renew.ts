/**
 * When and how the certificates are renewed. A renewal makes a new CA and a
 * new serving certificate; the bundle keeps the previous CA next to the new
 * one, so clients that still hold the previous bundle keep trusting the
 * serving certificate until they pick up the new one (the overlap).
 */
import { createCertificateSet } from "./generate.js";
import { joinPemBundle, splitPemBundle, subjectAltNames, validity } from "./x509.js";
import type { CertificateOptions, CertificateSet } from "./types.js";

/** The moment the serving certificate is due for renewal: notBefore + fraction × lifetime. */
export function renewalTime(set: CertificateSet, options: CertificateOptions): Date {
  const { notBefore, notAfter } = validity(set.cert);
  const lifetime = notAfter.getTime() - notBefore.getTime();
  return new Date(notBefore.getTime() + lifetime * options.renewAtFraction);
}

/**
 * Why a stored set cannot be served as it is, or null when it can: renewal
 * time reached, or the serving certificate lacks a name it must cover (the
 * Service or namespace changed).
 */
export function renewalReason(set: CertificateSet, options: CertificateOptions, now: Date = new Date()): string | null {
  if (now.getTime() >= renewalTime(set, options).getTime()) return "renewal time reached";
  const san = subjectAltNames(set.cert);
  const missing = [...options.dnsNames.filter((d) => !san.dns.includes(d)), ...options.ipAddresses.filter((ip) => !san.ips.includes(ip))];
  return missing.length > 0 ? `serving certificate does not cover ${missing.join(", ")}` : null;
}

/**
 * A new CA and serving certificate; the bundle is the previous CA (when still
 * valid at `now`) followed by the new CA. CAs older than the previous one
 * are dropped: nothing they signed is served any more.
 */
export async function renewCertificateSet(previous: CertificateSet, options: CertificateOptions, now: Date = new Date()): Promise<CertificateSet> {
  const next = await createCertificateSet(options, now);
  const keepPrevious = splitPemBundle(previous.caCert).filter((ca) => validity(ca).notAfter.getTime() > now.getTime());
  return { ...next, caBundle: joinPemBundle([...keepPrevious, next.caCert]) };
}
