/**
 * Container image references, with the grammar of the distribution project
 * (github.com/distribution/reference, regexp.go) that container runtimes use:
 * `[registry[:port]/]path[:tag][@digest]`, path components in lower case.
 */

const alnum = "[a-z0-9]+";
const separator = "(?:[._]|__|[-]+)";
const pathComponent = `${alnum}(?:${separator}${alnum})*`;
const domainComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const host = `(?:${domainComponent}(?:\\.${domainComponent})*|\\[[a-fA-F0-9:]+\\])`;
const domain = `${host}(?::[0-9]+)?`;
const name = `(?:${domain}/)?${pathComponent}(?:/${pathComponent})*`;
const tag = "[\\w][\\w.-]{0,127}";
const digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";

const REFERENCE = new RegExp(`^(${name})(?::(${tag}))?(?:@(${digest}))?$`);
/** Longest repository name the grammar allows. */
export const MAX_IMAGE_NAME_LENGTH = 255;

export interface ImageReference {
  name: string;
  tag?: string;
  digest?: string;
}

/**
 * True when the first component of a name is a registry: it has a `.` or a
 * `:`, or is `localhost` (docker's normalisation rule); otherwise it is a
 * path component and must be lower case.
 */
function firstComponentOk(name: string): boolean {
  const slash = name.indexOf("/");
  if (slash < 0) return true;
  const first = name.slice(0, slash);
  return first === "localhost" || /[.:]/.test(first) || first === first.toLowerCase();
}

/** Parses an image reference; null when it is not one. */
export function parseImageReference(ref: string): ImageReference | null {
  const m = REFERENCE.exec(ref);
  if (!m?.[1] || m[1].length > MAX_IMAGE_NAME_LENGTH || !firstComponentOk(m[1])) return null;
  return { name: m[1], ...(m[2] ? { tag: m[2] } : {}), ...(m[3] ? { digest: m[3] } : {}) };
}
