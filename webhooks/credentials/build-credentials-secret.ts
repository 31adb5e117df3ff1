/**
 * The generated database credentials Secret (API.md, "Generated credentials").
 */
import type { V1Secret } from "@kubernetes/client-node";
import { isIP } from "node:net";
import { LABEL_INSTANCE, LABEL_MANAGED_BY, MANAGED_BY } from "../../src/api/constants.js";
import type { CredentialsPlan } from "./plan-credentials.js";

/**
 * The host part of a URI: an IPv6 address in brackets, anything else
 * percent-encoded (libpq decodes percent-encoding in every part of a URI), so
 * no character of spec.database.host can end the host part early.
 */
export function uriHost(host: string): string {
  return isIP(host) === 6 ? `[${host}]` : encodeURIComponent(host);
}

/**
 * A libpq connection URI (https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS):
 * `postgresql://user:password@host:port/dbname?sslmode=...`, every part from
 * the spec percent-encoded (user, password, host, database name, sslmode).
 */
export function postgresUri(plan: CredentialsPlan, password: string): string {
  const auth = `${encodeURIComponent(plan.username)}:${encodeURIComponent(password)}`;
  const path = `${uriHost(plan.host)}:${plan.port}/${encodeURIComponent(plan.dbname)}`;
  return `postgresql://${auth}@${path}?sslmode=${encodeURIComponent(plan.sslMode)}`;
}

/**
 * The Secret, type `kubernetes.io/basic-auth` (keys `username` and `password`
 * as that type requires, https://kubernetes.io/docs/concepts/configuration/secret/#basic-authentication-secret),
 * plus `host`, `port`, `dbname` and `uri`. Not owned by the Discourse: the
 * reconciler adopts it, and `deletionPolicy: Retain` releases it. Labelled
 * `managed-by` and `instance` (API.md), plus `plan.creation`'s labels and annotations.
 *
 * @param plan - from planCredentials.
 * @param password - from generatePassword; it only ever goes into `stringData`.
 */
export function buildCredentialsSecret(plan: CredentialsPlan, password: string): V1Secret {
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: plan.secretName,
      namespace: plan.namespace,
      labels: { ...plan.creation?.labels, [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_INSTANCE]: plan.instance },
      ...(plan.creation ? { annotations: { ...plan.creation.annotations } } : {}),
    },
    type: "kubernetes.io/basic-auth",
    stringData: {
      username: plan.username,
      password,
      host: plan.host,
      port: String(plan.port),
      dbname: plan.dbname,
      uri: postgresUri(plan, password),
    },
  };
}
