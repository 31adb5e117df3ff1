/** Service `<name>-postgresql` (component `postgresql`) in front of the managed PostgreSQL. */
import type { V1Service } from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { POSTGRESQL_PORT } from "./env-configmap.js";
import { childMeta, COMPONENTS, selectorLabels } from "./metadata.js";
import { postgresqlName } from "./names.js";

/** The PostgreSQL Service on port 5432, or null when `spec.database.host` names an external server. */
export function buildPostgresqlService(obj: DefaultedDiscourse): V1Service | null {
  if (obj.spec.database.host) return null;
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: childMeta(obj, COMPONENTS.postgresql, postgresqlName(obj)),
    spec: {
      type: "ClusterIP",
      selector: selectorLabels(obj, COMPONENTS.postgresql),
      ports: [{ name: "postgresql", port: POSTGRESQL_PORT, targetPort: "postgresql", protocol: "TCP" }],
    },
  };
}
