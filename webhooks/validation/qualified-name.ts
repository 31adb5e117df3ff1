/**
 * Kubernetes qualified names (`[prefix/]name`), as annotation keys, label keys
 * and extended resource names must be: k8s.io/apimachinery
 * pkg/util/validation/validation.go, IsQualifiedName. The prefix is a DNS-1123
 * subdomain of at most 253 characters; the name at most 63 characters of
 * alphanumerics, `-`, `_` and `.`, starting and ending with an alphanumeric.
 */

const NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const MAX_QUALIFIED_NAME_LENGTH = 63;
export const MAX_PREFIX_LENGTH = 253;

/**
 * Why `key` is not a qualified name, in the apiserver's words; null when it is one.
 * @param key - e.g. `cert-manager.io/cluster-issuer`, `nvidia.com/gpu`, `bad key!`.
 */
export function qualifiedNameProblem(key: string): string | null {
  const parts = key.split("/");
  if (parts.length > 2) return "a qualified name must consist of alphanumeric characters, '-', '_' or '.', with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')";
  const [prefix, name] = parts.length === 2 ? [parts[0] ?? "", parts[1] ?? ""] : ["", parts[0] ?? ""];
  if (parts.length === 2) {
    if (prefix === "") return "prefix part must be non-empty";
    if (prefix.length > MAX_PREFIX_LENGTH) return `prefix part must be no more than ${MAX_PREFIX_LENGTH} characters`;
    if (!DNS1123_SUBDOMAIN.test(prefix)) return "prefix part must be a lowercase RFC 1123 subdomain (e.g. 'example.com')";
  }
  if (name === "") return "name part must be non-empty";
  if (name.length > MAX_QUALIFIED_NAME_LENGTH) return `name part must be no more than ${MAX_QUALIFIED_NAME_LENGTH} characters`;
  if (!NAME.test(name)) {
    return "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc')";
  }
  return null;
}
