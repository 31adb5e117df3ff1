/**
 * OpenShift Route `<name>` (route.openshift.io/v1, component `web`): edge TLS termination
 * at the router, plain HTTP redirected to HTTPS
 * (https://docs.openshift.com/container-platform/latest/networking/routes/secured-routes.html).
 * The router's default certificate serves the host; `ingress.tlsSecretName` is not used
 * (embedding a certificate would copy Secret data into the Route).
 */
import type { V1ObjectMeta } from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { childMeta, COMPONENTS } from "./metadata.js";
import { exposureName, webName } from "./names.js";

/** The subset of route.openshift.io/v1 Route the operator writes (no client type exists for it). */
export interface Route {
  apiVersion: "route.openshift.io/v1";
  kind: "Route";
  metadata: V1ObjectMeta;
  spec: {
    host: string;
    to: { kind: "Service"; name: string; weight: number };
    port: { targetPort: string };
    tls: { termination: "edge"; insecureEdgeTerminationPolicy: "Redirect" };
    wildcardPolicy: "None";
  };
}

/** The Route, or null unless `ingress.enabled` and `ingress.kind` is `Route`. */
export function buildRoute(obj: DefaultedDiscourse): Route | null {
  const ing = obj.spec.ingress;
  if (!ing.enabled || ing.kind !== "Route") return null;
  const metadata = childMeta(obj, COMPONENTS.web, exposureName(obj));
  if (ing.annotations && Object.keys(ing.annotations).length > 0) metadata.annotations = { ...ing.annotations };
  return {
    apiVersion: "route.openshift.io/v1",
    kind: "Route",
    metadata,
    spec: {
      host: obj.spec.hostname,
      to: { kind: "Service", name: webName(obj), weight: 100 },
      port: { targetPort: "http" },
      tls: { termination: "edge", insecureEdgeTerminationPolicy: "Redirect" },
      wildcardPolicy: "None",
    },
  };
}
