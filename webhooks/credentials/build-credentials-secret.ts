/**
 * The generated database credentials Secret (API.md, "Generated credentials").
 */
import type { V1Secret } from "@kubernetes/client-node";
import { LABEL_INSTANCE, LABEL_MANAGED_BY, MANAGED_BY } from "../../src/api/constants.js";
import type { CredentialsPlan } from "./plan-credentials.js";

/**
 * A libpq connection URI (https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS):
 * `postgresql://user:password@host:port/dbname?sslmode=...`, user and password percent-encoded.
 */
export function postgresUri(plan: CredentialsPlan, password: string): string {
  const auth = `${encodeURIComponent(plan.username)}:${encodeURIComponent(password)}`;
  return `postgresql://${auth}@${plan.host}:${plan.port}/${encodeURIComponent(plan.dbname)}?sslmode=${plan.sslMode}`;
}

/**
 * The Secret, type `kubernetes.io/basic-auth` (keys `username` and `password`
 * as that type requires, https://kubernetes.io/docs/concepts/configuration/secret/#basic-authentication-secret),
 * plus `host`, `port`, `dbname` and `uri`. Not owned by the Discourse: the
 * reconciler adopts it, and `deletionPolicy: Retain` releases it.
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
      labels: { [LABEL_MANAGED_BY]: MANAGED_BY, [LABEL_INSTANCE]: plan.instance },
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
