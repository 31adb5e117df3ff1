/**
 * Git ref names as `git check-ref-format` accepts them
 * (https://git-scm.com/docs/git-check-ref-format, rules 1 to 10), plus one
 * rule of ours: never starting with `-`, so a ref can never be read as an
 * option by the git command that clones the plugin. A commit id (hex) is a
 * valid name by these rules too.
 */

const FORBIDDEN_PUNCTUATION = /[ ~^:?*[\\]/;

/** True when `text` holds an ASCII control character (below 0x20, or DEL). */
function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Why `ref` is not a branch, tag or commit name; null when it is one. */
export function gitRefProblem(ref: string): string | null {
  if (ref.startsWith("-")) return "may not start with '-' (git would read it as an option)";
  if (ref === "@") return "may not be the single character '@'";
  if (FORBIDDEN_PUNCTUATION.test(ref) || hasControlCharacter(ref)) return "may not contain spaces, control characters or any of ~ ^ : ? * [ \\";
  if (ref.includes("..") || ref.includes("@{")) return "may not contain '..' or '@{'";
  if (ref.startsWith("/") || ref.endsWith("/") || ref.includes("//")) return "may not start or end with '/' or contain '//'";
  if (ref.endsWith(".")) return "may not end with '.'";
  const bad = ref.split("/").find((c) => c.startsWith(".") || c.endsWith(".lock"));
  if (bad !== undefined) return "no '/'-separated component may start with '.' or end with '.lock'";
  return null;
}
