/**
 * NetworkPolicy `<name>-backend` (networking.k8s.io/v1, component `backend`): the managed
 * PostgreSQL and Redis pods of this instance accept connections only from pods carrying
 * this instance's labels (`app.kubernetes.io/name: discourse`,
 * `app.kubernetes.io/instance: <name>`: web, sidekiq, the Jobs), on their own ports
 * (https://kubernetes.io/docs/concepts/services-networking/network-policies/).
 */
import type {
  V1LabelSelector,
  V1NetworkPolicyPeer,
  V1NetworkPolicyPort,
  V1NetworkPolicySpec,
  V1ObjectMeta,
} from "@kubernetes/client-node";
import { LABEL_COMPONENT } from "../../src/api/constants.js";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { POSTGRESQL_PORT, REDIS_PORT } from "./env-configmap.js";
import { childMeta, COMPONENTS, instanceLabels } from "./metadata.js";
import { backendPolicyName } from "./names.js";

/**
 * networking.k8s.io/v1 NetworkPolicy as sent on the wire. The client library's
 * V1NetworkPolicyIngressRule names `from` `_from` (renamed only by its ObjectSerializer),
 * and children are sent as plain JSON, so this type keeps the API's field name.
 */
export interface NetworkPolicy {
  apiVersion: "networking.k8s.io/v1";
  kind: "NetworkPolicy";
  metadata: V1ObjectMeta;
  spec: Omit<V1NetworkPolicySpec, "ingress" | "podSelector"> & {
    podSelector: V1LabelSelector;
    ingress: { from: V1NetworkPolicyPeer[]; ports: V1NetworkPolicyPort[] }[];
  };
}

/** The policy, or null when neither the database nor Redis is managed. */
export function buildNetworkPolicy(obj: DefaultedDiscourse): NetworkPolicy | null {
  const components: string[] = [];
  const ports: V1NetworkPolicyPort[] = [];
  if (!obj.spec.database.host) {
    components.push(COMPONENTS.postgresql);
    ports.push({ protocol: "TCP", port: POSTGRESQL_PORT });
  }
  if (!obj.spec.redis.host) {
    components.push(COMPONENTS.redis);
    ports.push({ protocol: "TCP", port: REDIS_PORT });
  }
  if (components.length === 0) return null;
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: childMeta(obj, COMPONENTS.backend, backendPolicyName(obj)),
    spec: {
      podSelector: {
        matchLabels: instanceLabels(obj),
        matchExpressions: [{ key: LABEL_COMPONENT, operator: "In", values: components }],
      },
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ podSelector: { matchLabels: instanceLabels(obj) } }], ports }],
    },
  };
}
