/**
 * Inspecting PEM certificates with node:crypto's X509Certificate (selfsigned
 * generates them; Node reads them).
 */
import { X509Certificate } from "node:crypto";

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM bundle, each as its own PEM block with a trailing newline. */
export function splitPemBundle(bundle: string): string[] {
  return (bundle.match(PEM_BLOCK) ?? []).map((block) => `${block}\n`);
}

/** Concatenate PEM certificates into one bundle (the caBundle format). */
export function joinPemBundle(certificates: string[]): string {
  return certificates.map((c) => c.trim() + "\n").join("");
}

/** Validity window of a certificate. */
export function validity(pem: string): { notBefore: Date; notAfter: Date } {
  const cert = new X509Certificate(pem);
  return { notBefore: new Date(cert.validFrom), notAfter: new Date(cert.validTo) };
}

/** DNS names and IP addresses of the subjectAltName extension. */
export function subjectAltNames(pem: string): { dns: string[]; ips: string[] } {
  const san = new X509Certificate(pem).subjectAltName ?? "";
  const entries = san.split(",").map((e) => e.trim()).filter((e) => e !== "");
  const pick = (prefix: string): string[] => entries.filter((e) => e.startsWith(prefix)).map((e) => e.slice(prefix.length));
  return { dns: pick("DNS:"), ips: pick("IP Address:") };
}

/** Whether `leafPem` was issued and signed by `caPem`. */
export function isSignedBy(leafPem: string, caPem: string): boolean {
  const leaf = new X509Certificate(leafPem);
  const ca = new X509Certificate(caPem);
  return leaf.checkIssued(ca) && leaf.verify(ca.publicKey);
}

/** Serial number of a certificate (hex, upper case as Node prints it). */
export function serialNumber(pem: string): string {
  return new X509Certificate(pem).serialNumber;
}
