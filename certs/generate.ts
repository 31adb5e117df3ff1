/**
 * Generating the webhook's CA and serving certificate with `selfsigned` (v5,
 * async, WebCrypto underneath). Keys are ECDSA P-256, signatures SHA-256.
 * selfsigned signs the serving certificate with the CA through its `ca`
 * option and verifies the chain before returning.
 */
import { generate } from "selfsigned";
import { joinPemBundle } from "./x509.js";
import type { CertificateOptions, CertificateSet } from "./types.js";

const KEY = { keyType: "ec", curve: "P-256", algorithm: "sha256" } as const;

function window(now: Date, options: CertificateOptions): { notBeforeDate: Date; notAfterDate: Date } {
  return {
    notBeforeDate: new Date(now.getTime() - options.backdateMs),
    notAfterDate: new Date(now.getTime() + options.validityMs),
  };
}

/**
 * A self-signed CA (basicConstraints cA, keyUsage keyCertSign/cRLSign). Its
 * common name carries the creation time, so successive CAs in one bundle
 * have distinct subjects (as the apiserver's own self-signed CAs do).
 *
 * @returns PEM certificate and PKCS#8 key.
 */
export async function generateCa(options: CertificateOptions, now: Date = new Date()): Promise<{ cert: string; key: string }> {
  const cn = `discourse-operator-webhook-ca@${Math.floor(now.getTime() / 1000)}-${now.getMilliseconds()}`;
  const pems = await generate([{ name: "commonName", value: cn }], {
    ...KEY,
    ...window(now, options),
    extensions: [
      { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/**
 * A serving certificate signed by `ca`, for every DNS name and IP address of
 * `options` (extKeyUsage serverAuth).
 *
 * @throws Error when `options.dnsNames` is empty.
 */
export async function generateServingCertificate(
  ca: { cert: string; key: string },
  options: CertificateOptions,
  now: Date = new Date(),
): Promise<{ cert: string; key: string }> {
  const cn = options.dnsNames[0];
  if (!cn) throw new Error("a serving certificate needs at least one DNS name");
  const altNames = [
    ...options.dnsNames.map((value) => ({ type: 2 as const, value })),
    ...options.ipAddresses.map((ip) => ({ type: 7 as const, ip })),
  ];
  const pems = await generate([{ name: "commonName", value: cn }], {
    ...KEY,
    ...window(now, options),
    ca,
    extensions: [
      { name: "basicConstraints", cA: false, critical: true },
      { name: "keyUsage", digitalSignature: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}

/** A fresh CA, a serving certificate it signed, and a bundle holding that CA only. */
export async function createCertificateSet(options: CertificateOptions, now: Date = new Date()): Promise<CertificateSet> {
  const ca = await generateCa(options, now);
  const serving = await generateServingCertificate(ca, options, now);
  return { caCert: ca.cert, caKey: ca.key, cert: serving.cert, key: serving.key, caBundle: joinPemBundle([ca.cert]) };
}
