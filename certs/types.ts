/**
 * The certificates the webhook server needs, as PEM strings.
 */

/** A CA, the serving certificate it signed, and the bundle the apiserver trusts. */
export interface CertificateSet {
  /** The CA that signed `cert` (the newest CA). */
  caCert: string;
  caKey: string;
  /** Serving certificate and its key (what the HTTPS server presents). */
  cert: string;
  key: string;
  /**
   * PEM bundle written into `clientConfig.caBundle`: the current CA, plus the
   * previous one during the overlap after a renewal.
   */
  caBundle: string;
}

/** What the serving certificate is for, and how long certificates live. */
export interface CertificateOptions {
  /** subjectAltName DNS names; the first is also the subject CN. */
  dnsNames: string[];
  /** subjectAltName IP addresses. */
  ipAddresses: string[];
  /** Lifetime of the CA and of the serving certificate, in milliseconds. */
  validityMs: number;
  /** How far notBefore is set in the past, for clock skew, in milliseconds. */
  backdateMs: number;
  /** Fraction of the serving certificate's lifetime after which it is renewed (0 < f < 1). */
  renewAtFraction: number;
}
