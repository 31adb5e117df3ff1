/** Reading Kubernetes API errors without leaking their bodies into messages. */

/**
 * The HTTP status of a failed API call (an ApiException of
 * @kubernetes/client-node, or any error with a numeric `code`).
 * @returns the status, or undefined for other errors (network, programming).
 */
export function apiErrorCode(err: unknown): number | undefined {
  if (typeof err === "object" && err !== null && "code" in err && typeof err.code === "number") return err.code;
  return undefined;
}
