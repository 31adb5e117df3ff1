/**
 * A bound on the nesting depth of a JSON text, checked on the raw bytes before
 * JSON.parse: a body of `[[[[…` a few MiB deep costs the parser and every
 * recursive walk after it (defaulting, the schema, deep equality) stack and
 * time, and ends in a RangeError (HTTP 500) where a 400 is due.
 */

const OPEN_OBJECT = 0x7b; // {
const OPEN_ARRAY = 0x5b; // [
const CLOSE_OBJECT = 0x7d; // }
const CLOSE_ARRAY = 0x5d; // ]
const QUOTE = 0x22; // "
const BACKSLASH = 0x5c; // \

/**
 * Index of the quote that ends the string whose contents start at `from`: the next quote
 * not escaped, i.e. not preceded by an odd number of backslashes. Each step is a native
 * `indexOf`, so the text of strings (most of a Kubernetes object) is skipped, not walked.
 * @returns the index, or -1 when the string never ends.
 */
function stringEnd(bytes: Uint8Array, from: number): number {
  let i = from;
  for (;;) {
    const q = bytes.indexOf(QUOTE, i);
    if (q < 0) return -1;
    let backslashes = 0;
    while (q - backslashes - 1 >= from && bytes[q - backslashes - 1] === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return q;
    i = q + 1;
  }
}

/**
 * Deepest nesting of objects and arrays in `bytes` (brackets inside strings do
 * not count); stops counting once `limit` is passed.
 * @returns the depth, or `limit + 1` as soon as it is exceeded.
 */
export function jsonDepth(bytes: Uint8Array, limit: number): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (b === QUOTE) {
      const end = stringEnd(bytes, i + 1);
      if (end < 0) break;
      i = end;
    } else if (b === OPEN_OBJECT || b === OPEN_ARRAY) {
      if (++depth > deepest && (deepest = depth) > limit) return limit + 1;
    } else if (b === CLOSE_OBJECT || b === CLOSE_ARRAY) {
      depth--;
    }
  }
  return deepest;
}
