/**
 * Decimal amounts as bigint with 18 fractional digits. Why: balances, fees and fills must add up
 * exactly (a venue's books are reconciled against the chain's), which binary floats cannot do.
 *
 * @example fxFormat(fxMul(fx("0.1"), fx("3"))) // "0.3"
 */
export const FX_DECIMALS = 18;
export const FX_ONE = 10n ** BigInt(FX_DECIMALS);

/** Parses a plain decimal string or a finite number ("0.00001", 1800.5) to fixed point. */
export function fx(value: string | number): bigint {
  const text = typeof value === "number" ? numberText(value) : value.trim();
  const m = /^(-)?(\d*)(?:\.(\d*))?$/.exec(text);
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) throw new RangeError(`not a decimal: "${text}"`);
  const frac = (m[3] ?? "").slice(0, FX_DECIMALS).padEnd(FX_DECIMALS, "0");
  const abs = BigInt(m[2] || "0") * FX_ONE + BigInt(frac);
  return m[1] ? -abs : abs;
}

/** True when `text` is a plain, non-negative decimal string WEEX would accept as a quantity/price. */
export function isDecimalText(text: string): boolean {
  return /^(\d+(\.\d*)?|\.\d+)$/.test(text);
}

/** a·b, truncated toward zero. */
export function fxMul(a: bigint, b: bigint): bigint {
  return (a * b) / FX_ONE;
}

/** a/b, truncated toward zero. */
export function fxDiv(a: bigint, b: bigint): bigint {
  return (a * FX_ONE) / b;
}

export function fxMin(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

/** Plain decimal text; with `decimals`, truncated to and padded with that many digits. */
export function fxFormat(a: bigint, decimals?: number): string {
  const neg = a < 0n;
  const abs = neg ? -a : a;
  const int = abs / FX_ONE;
  let frac = (abs % FX_ONE).toString().padStart(FX_DECIMALS, "0");
  if (decimals === undefined) frac = frac.replace(/0+$/, "");
  else frac = frac.slice(0, decimals);
  const body = frac.length > 0 ? `${int}.${frac}` : `${int}`;
  return neg && /[1-9]/.test(body) ? `-${body}` : body;
}

/** Number of decimals in a step such as 0.00001 (→ 5). */
export function stepDecimals(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

function numberText(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`cannot convert ${value} to fixed point`);
  const plain = String(value);
  return /e/i.test(plain) ? value.toFixed(FX_DECIMALS) : plain;
}
