import { RunLogError } from "../engine/errors.js";

/** Significant digits kept for non-integer numbers in the run log. */
export const CANONICAL_SIGNIFICANT_DIGITS = 12;

/**
 * One number, formatted so every machine writes the same bytes:
 * - NaN and ±Infinity are rejected (they have no JSON form);
 * - −0 is written as 0;
 * - safe integers are written as integers;
 * - anything else is first rounded to 12 significant digits (`toPrecision(12)`), so last-ulp
 *   differences between platforms or summation orders cannot change the bytes, and is then written
 *   in ECMAScript's shortest round-trip form (`String(x)`, as RFC 8785 JCS does), e.g. `0.1`,
 *   `1.5e-7`, `12345.6789`.
 * Formatting is idempotent: parsing the output and formatting again gives the same string.
 */
export function formatCanonicalNumber(x: number): string {
  if (!Number.isFinite(x))
    throw new RunLogError(`cannot write ${x} to the run log: only finite numbers have a canonical form`, {
      hint: "fix the NaN/Infinity at its source (a score, weight or return) before logging",
    });
  if (x === 0) return "0";
  if (Number.isSafeInteger(x)) return String(x);
  return String(Number(x.toPrecision(CANONICAL_SIGNIFICANT_DIGITS)));
}

/**
 * Canonical JSON: object keys sorted by UTF-16 code units (as JCS), no whitespace, numbers through
 * `formatCanonicalNumber`, `undefined` members omitted. Bigints, functions and symbols are errors.
 *
 * @example
 * canonicalJson({ b: 1, a: [0.1 + 0.2] }); // '{"a":[0.3],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "number":
      return formatCanonicalNumber(value);
    case "string":
      return JSON.stringify(value);
    case "boolean":
      return value ? "true" : "false";
    case "object": {
      if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v ?? null)).join(",")}]`;
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(",")}}`;
    }
    default:
      throw new RunLogError(`cannot write a ${typeof value} to the run log`, {
        hint: "convert bigints to decimal strings and drop functions before logging",
      });
  }
}
