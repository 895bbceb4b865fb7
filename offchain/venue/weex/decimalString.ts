/**
 * A number as the plain decimal string WEEX puts on the wire ("0.00001412", never "1.412e-5").
 * Why: the recorded payloads carry prices and sizes as strings; a simulator that emitted JSON
 * numbers or exponent notation would test a parser WEEX never exercises.
 *
 * @example decimalString(1.412e-5) // "0.00001412"
 */
export function decimalString(value: number, maxDecimals = 12): string {
  if (!Number.isFinite(value)) throw new RangeError(`cannot format ${value} as a decimal string`);
  const plain = String(value);
  if (!/e/i.test(plain)) return plain;
  // exponent form only appears for |x| < 1e-6 or >= 1e21; toFixed then trim keeps it exact enough
  const fixed = value.toFixed(maxDecimals);
  return fixed.includes(".") ? fixed.replace(/0+$/, "").replace(/\.$/, "") : fixed;
}

/** Rounds `value` to a multiple of `step` and formats it with the step's number of decimals. */
export function toStep(value: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const snapped = Math.round(value / step) * step;
  return snapped.toFixed(decimals);
}
