/** Service `<name>-web` (component `web`): port 80 (`http`) to the app server's port 3000. */
import type { V1Service } from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { childMeta, COMPONENTS, selectorLabels } from "./metadata.js";
import { webName } from "./names.js";

/** Port of the web Service, the one Ingress and Route send to. */
export const WEB_SERVICE_PORT = 80;

/** The ClusterIP Service in front of the web pods. Always exists. */
export function buildWebService(obj: DefaultedDiscourse): V1Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: childMeta(obj, COMPONENTS.web, webName(obj)),
    spec: {
      type: "ClusterIP",
      selector: selectorLabels(obj, COMPONENTS.web),
      ports: [{ name: "http", port: WEB_SERVICE_PORT, targetPort: "http", protocol: "TCP" }],
    },
  };
}
