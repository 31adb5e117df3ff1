/**
 * Server-side apply's field ownership (`metadata.managedFields`, Kubernetes API
 * conventions, "Server-Side Apply") is often the largest part of an object the API
 * server sends: one entry per field manager, each a tree of `{"f:name":{}}` members
 * spelling out every field it set. An informer that keeps objects without it
 * (reconciler/informer/object-cache.ts, `stripForCache`; controller-runtime's
 * `cache.TransformStripManagedFields`) still pays for parsing it, one small object
 * per member, on every watch event. This cuts it out of the text first.
 */

const KEY = '"managedFields":[';
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;

/** Whether the character at `at` is escaped: preceded by an odd number of backslashes. */
function escaped(text: string, at: number): boolean {
  let n = 0;
  for (let i = at - 1; i >= 0 && text.charCodeAt(i) === BACKSLASH; i--) n++;
  return n % 2 === 1;
}

/**
 * The index of the quote that closes the string opening at `open` (a backslash escapes the
 * next character), or `limit` when the string runs on to it.
 */
function stringEnd(text: string, open: number, limit: number): number {
  let i = open + 1;
  while (i < limit) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) return i;
    i += c === BACKSLASH ? 2 : 1;
  }
  return limit;
}

/**
 * The index just past the JSON array that opens at `open` (a `[`), skipping strings;
 * -1 when the text ends first.
 */
function arrayEnd(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(text, i, text.length);
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      depth++;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

/**
 * Whether the member that starts at `at` belongs to the object's own `metadata`: the path of
 * keys from the top down to it is `metadata`, or `object`, `metadata` (a watch event). The
 * text is read from its start, keeping the key of each open object; `metadata` comes first in
 * what the API server writes, so this reads a few hundred characters.
 */
function inOwnMetadata(text: string, at: number): boolean {
  const keys: Array<string | null> = [];
  let key: string | null = null;
  for (let i = 0; i < at; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i + 1;
      i = stringEnd(text, i, at);
      // a string followed by a colon is the key of the value that comes next
      if (text.charCodeAt(i + 1) === 0x3a) key = text.slice(start, i);
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      keys.push(key);
      key = null;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      keys.pop();
      key = null;
    }
  }
  // keys[0] is null (the top object); then the keys that opened each object down to `at`
  const path = keys.slice(1).join("/");
  return keys[0] === null && (path === "metadata" || path === "object/metadata");
}

/**
 * `json` without the object's own `metadata.managedFields`, and one comma next to it, so
 * the text stays valid JSON.
 *
 * Meant for one object as the API server encodes it, compact (no whitespace), or a watch
 * event (`{"type":…,"object":…}`). The first member named `managedFields` with an array
 * value is cut only when it is the object's own metadata's (a key is told from text inside a
 * string by its opening quote, which a string's content can only hold escaped); otherwise
 * the text is returned as it is, and the caller's parse-then-strip does the work.
 *
 * @param json - the text of one JSON value.
 * @returns `json` itself when it has no such member where expected, or when the text ends
 *   inside it (then the caller's JSON.parse reports the malformed text as before); never throws.
 */
export function withoutManagedFields(json: string): string {
  let at = json.indexOf(KEY);
  while (at >= 0 && escaped(json, at)) at = json.indexOf(KEY, at + 1);
  if (at < 0 || !inOwnMetadata(json, at)) return json;
  const end = arrayEnd(json, at + KEY.length - 1);
  if (end < 0) return json;
  if (json.charCodeAt(end) === COMMA) return json.slice(0, at) + json.slice(end + 1);
  if (json.charCodeAt(at - 1) === COMMA) return json.slice(0, at - 1) + json.slice(end);
  return json.slice(0, at) + json.slice(end);
}
