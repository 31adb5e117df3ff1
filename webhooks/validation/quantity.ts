/**
 * Kubernetes resource quantities (k8s.io/apimachinery/pkg/api/resource,
 * https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/),
 * parsed exactly into a fraction of big integers (remembered by text, see MEMO) so that `1Gi`, `1024Mi`,
 * `1073741824`, `1.5Gi`, `500m`, `0.5` and `5e-1` compare as the apiserver does.
 */

import { QUANTITY_PATTERN } from "../../src/api/schema.js";

/** An exact quantity: `numerator / denominator`, denominator > 0. */
export interface ParsedQuantity {
  numerator: bigint;
  denominator: bigint;
}

const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(?:([KMGTPE]i)|([numkMGTPE])|[eE]([+-]?\d+))?$/;
const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
/** Exponents beyond this are refused rather than expanded into huge integers. */
const MAX_EXPONENT = 1000;

/** The power of ten of a decimal suffix (`k`, `m`) or an exponent (`e3`). */
function powerOfTen(decimal: string | undefined, exponent: string | undefined): number {
  if (decimal !== undefined) return DECIMAL[decimal] ?? 0;
  return exponent !== undefined ? Number(exponent) : 0;
}

const SCHEMA_QUANTITY = new RegExp(QUANTITY_PATTERN);

/**
 * True when `q` passes the CRD's int-or-string quantity schema (the
 * apiserver's loose pattern) but is not a quantity resource.ParseQuantity
 * accepts, e.g. `1e1.5`: only these need the webhook's words, the schema
 * names the rest first.
 */
export function passesSchemaOnly(q: unknown): boolean {
  const schemaOk = (typeof q === "number" && Number.isInteger(q)) || (typeof q === "string" && SCHEMA_QUANTITY.test(q));
  return schemaOk && parseQuantity(q) === null;
}

/** A quantity as written: the string itself, a number in decimal. */
export function quantityText(q: unknown): string {
  return typeof q === "string" || typeof q === "number" ? String(q) : JSON.stringify(q);
}

/**
 * Parses a quantity.
 * @param q - an int-or-string quantity, e.g. `10Gi`, `500m`, `2`, `1e3`, or a number.
 * @returns the exact value, or null when `q` is not a quantity (or its
 *   exponent is beyond ±1000, which no real resource uses).
 */
export function parseQuantity(q: unknown): ParsedQuantity | null {
  const text = typeof q === "number" && Number.isFinite(q) ? String(q) : q;
  if (typeof text !== "string") return null;
  // Every admission parses the same few quantities (`500m`, `1Gi`) several times: remember them.
  const memo = text.length <= MEMO_MAX_LENGTH ? MEMO.get(text) : undefined;
  if (memo !== undefined) return memo;
  const parsed = parseText(text);
  if (text.length <= MEMO_MAX_LENGTH) {
    if (MEMO.size >= MEMO_MAX_ENTRIES) MEMO.clear();
    MEMO.set(text, parsed);
  }
  return parsed;
}

/** Results of parseQuantity by text (frozen, shared); cleared when full, so hostile input cannot grow it. */
const MEMO = new Map<string, ParsedQuantity | null>();
const MEMO_MAX_ENTRIES = 1024;
const MEMO_MAX_LENGTH = 64;

function parseText(text: string): ParsedQuantity | null {
  const m = QUANTITY.exec(text);
  if (!m) return null;
  const [, sign = "", mantissa = "", binary, decimal, exponent] = m;
  const [whole = "", fraction = ""] = mantissa.split(".");
  let numerator = BigInt(`${whole}${fraction}` || "0");
  let denominator = 10n ** BigInt(fraction.length);
  const power10 = powerOfTen(decimal, exponent);
  if (Math.abs(power10) > MAX_EXPONENT) return null;
  if (power10 >= 0) numerator *= 10n ** BigInt(power10);
  else denominator *= 10n ** BigInt(-power10);
  if (binary !== undefined) numerator *= 2n ** BigInt(BINARY[binary] ?? 0);
  if (sign === "-") numerator = -numerator;
  return Object.freeze({ numerator, denominator });
}

/**
 * The sign of a quantity.
 * @returns -1, 0 or 1 as `q` is negative, zero or positive; null when `q` is
 *   not a quantity (e.g. `1e1.5`, which the CRD's loose pattern lets through
 *   but the apiserver's resource.ParseQuantity refuses).
 */
export function quantitySign(q: unknown): -1 | 0 | 1 | null {
  const parsed = parseQuantity(q);
  if (!parsed) return null;
  return parsed.numerator < 0n ? -1 : parsed.numerator > 0n ? 1 : 0;
}

/**
 * Compares two quantities.
 * @returns -1, 0 or 1 as `a` is less than, equal to or greater than `b`;
 *   null when either is not a quantity.
 */
export function compareQuantities(a: unknown, b: unknown): -1 | 0 | 1 | null {
  const x = parseQuantity(a);
  const y = parseQuantity(b);
  if (!x || !y) return null;
  const left = x.numerator * y.denominator;
  const right = y.numerator * x.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}
