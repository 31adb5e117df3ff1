/**
 * Database passwords for generated credentials.
 */
import { randomBytes } from "node:crypto";

/** Bytes of entropy in a generated password (256 bits). */
export const PASSWORD_BYTES = 32;

/**
 * A password from the operating system's CSPRNG (crypto.randomBytes),
 * written in the URL-safe base64 alphabet `A-Z a-z 0-9 - _` (RFC 4648 §5,
 * no padding), so it goes into a `postgresql://` URI without escaping.
 *
 * @param bytes - entropy in bytes; 32 bytes give 43 characters.
 * @returns at least 32 characters for the default size.
 */
export function generatePassword(bytes: number = PASSWORD_BYTES): string {
  return randomBytes(bytes).toString("base64url");
}
