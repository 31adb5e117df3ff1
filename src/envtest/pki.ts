/**
 * The certificates and keys of a local control plane, made with `selfsigned`
 * (EC P-256): a CA, the kube-apiserver's serving certificate (127.0.0.1,
 * localhost and the in-cluster names), an admin client certificate (CN admin,
 * O system:masters: https://kubernetes.io/docs/reference/access-authn-authz/authentication/#x509-client-certificates)
 * and the service-account signing key pair.
 */
import { generateKeyPairSync } from "node:crypto";
import { generate } from "selfsigned";

export interface ControlPlanePki {
  caCert: string;
  caKey: string;
  servingCert: string;
  servingKey: string;
  adminCert: string;
  adminKey: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
}

const DAY_MS = 24 * 3600 * 1000;

/** Generates a fresh PKI valid for 30 days. */
export async function generatePki(): Promise<ControlPlanePki> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const notAfterDate = new Date(Date.now() + 30 * DAY_MS);
  const base = { keyType: "ec" as const, algorithm: "sha256", notBeforeDate, notAfterDate };
  const ca = await generate([{ name: "commonName", value: "discourse-operator-envtest-ca" }], {
    ...base,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const signer = { ca: { key: ca.private, cert: ca.cert } };
  const serving = await generate([{ name: "commonName", value: "kube-apiserver" }], {
    ...base,
    ...signer,
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 7, ip: "127.0.0.1" },
          { type: 7, ip: "10.0.0.1" },
          { type: 2, value: "localhost" },
          { type: 2, value: "kubernetes" },
          { type: 2, value: "kubernetes.default" },
          { type: 2, value: "kubernetes.default.svc" },
          { type: 2, value: "kubernetes.default.svc.cluster.local" },
        ],
      },
    ],
  });
  const admin = await generate(
    [
      { name: "commonName", value: "admin" },
      { name: "organizationName", value: "system:masters" },
    ],
    {
      ...base,
      ...signer,
      extensions: [
        { name: "basicConstraints", cA: false },
        { name: "keyUsage", digitalSignature: true, keyEncipherment: true },
        { name: "extKeyUsage", clientAuth: true },
      ],
    },
  );
  const sa = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return {
    caCert: ca.cert,
    caKey: ca.private,
    servingCert: serving.cert,
    servingKey: serving.private,
    adminCert: admin.cert,
    adminKey: admin.private,
    serviceAccountKey: sa.privateKey,
    serviceAccountPub: sa.publicKey,
  };
}
