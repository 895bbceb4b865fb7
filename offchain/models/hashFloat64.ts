import { createHash, type Hash } from "node:crypto";

/**
 * Adds Float64Arrays to a hash as little-endian IEEE-754 bytes (exact, unlike decimal text).
 *
 * @example
 * hashFloat64(createHash("sha256"), [closes]).digest("hex")
 */
export function hashFloat64(h: Hash, arrays: readonly Float64Array[]): Hash {
  for (const a of arrays) {
    const b = Buffer.alloc(a.length * 8);
    for (let i = 0; i < a.length; i++) b.writeDoubleLE(a[i]!, i * 8);
    h.update(b);
  }
  return h;
}

/** sha256 hex of a string. */
export function sha256Hex(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}
