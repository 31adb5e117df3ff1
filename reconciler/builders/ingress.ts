/**
 * Ingress `<name>` (networking.k8s.io/v1, component `web`): `spec.hostname`, every path to
 * the web Service, TLS from the Secret `spec.ingress.tlsSecretName`
 * (https://kubernetes.io/docs/concepts/services-networking/ingress/#tls).
 *
 * Upload size: ingress-nginx refuses request bodies above 1m by default
 * (https://kubernetes.github.io/ingress-nginx/user-guide/nginx-configuration/annotations/#custom-max-body-size).
 * Upstream's own nginx in front of every standard install lets 10m through
 * (discourse_docker `templates/web.template.yml`: param `upload_size: 10m` →
 * `client_max_body_size`), so that is the size Discourse's upload limits (site settings
 * max_image_size_kb, max_attachment_size_kb) are used with. For the
 * ingress-nginx class (`className: nginx`, or any `nginx.ingress.kubernetes.io/`
 * annotation) the Ingress gets `proxy-body-size: 10m`; a user annotation wins. Forums that
 * raise the site settings raise the annotation with them. README lists what other
 * controllers need.
 */
import type { V1Ingress } from "@kubernetes/client-node";
import type { DefaultedDiscourse } from "../../src/api/types.js";
import { childMeta, COMPONENTS } from "./metadata.js";
import { exposureName, webName } from "./names.js";
import { WEB_SERVICE_PORT } from "./web-service.js";

/** ingress-nginx's annotation prefix and its body-size annotation. */
export const NGINX_ANNOTATION_PREFIX = "nginx.ingress.kubernetes.io/";
export const PROXY_BODY_SIZE_ANNOTATION = `${NGINX_ANNOTATION_PREFIX}proxy-body-size`;
/** discourse_docker's `upload_size` (templates/web.template.yml). */
export const UPLOAD_BODY_SIZE = "10m";

/** True when the Ingress is for ingress-nginx: class `nginx` or one of its annotations. */
export function isIngressNginx(className: string | undefined, annotations: Record<string, string> | undefined): boolean {
  return className === "nginx" || Object.keys(annotations ?? {}).some((k) => k.startsWith(NGINX_ANNOTATION_PREFIX));
}

/** The Ingress annotations: the body size for ingress-nginx, then the user's (which win). */
export function ingressAnnotations(className: string | undefined, user: Record<string, string> | undefined): Record<string, string> {
  const base: Record<string, string> = isIngressNginx(className, user) ? { [PROXY_BODY_SIZE_ANNOTATION]: UPLOAD_BODY_SIZE } : {};
  return { ...base, ...(user ?? {}) };
}

/** The Ingress, or null unless `ingress.enabled` and `ingress.kind` is `Ingress`. */
export function buildIngress(obj: DefaultedDiscourse): V1Ingress | null {
  const ing = obj.spec.ingress;
  if (!ing.enabled || ing.kind !== "Ingress") return null;
  const metadata = childMeta(obj, COMPONENTS.web, exposureName(obj));
  const annotations = ingressAnnotations(ing.className, ing.annotations);
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
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
