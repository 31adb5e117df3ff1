/**
 * Ingress `<name>` (networking.k8s.io/v1, component `web`): `spec.hostname`, every path to
 * the web Service, TLS from the Secret `spec.ingress.tlsSecretName`
 * (https://kubernetes.io/docs/concepts/services-networking/ingress/#tls).
 */
import type { V1Ingress } from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { childMeta, COMPONENTS } from "./metadata.js";
import { exposureName, webName } from "./names.js";
import { WEB_SERVICE_PORT } from "./web-service.js";

/** The Ingress, or null unless `ingress.enabled` and `ingress.kind` is `Ingress`. */
export function buildIngress(obj: DefaultedDiscourse): V1Ingress | null {
  const ing = obj.spec.ingress;
  if (!ing.enabled || ing.kind !== "Ingress") return null;
  const metadata = childMeta(obj, COMPONENTS.web, exposureName(obj));
  if (ing.annotations && Object.keys(ing.annotations).length > 0) metadata.annotations = { ...ing.annotations };
  const host = obj.spec.hostname;
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "Ingress",
    metadata,
    spec: {
      ...(ing.className !== undefined ? { ingressClassName: ing.className } : {}),
      tls: [{ hosts: [host], secretName: ing.tlsSecretName }],
      rules: [
        {
          host,
          http: {
            paths: [
              {
                path: "/",
                pathType: "Prefix",
                backend: { service: { name: webName(obj), port: { number: WEB_SERVICE_PORT } } },
              },
            ],
          },
        },
      ],
    },
  };
}
