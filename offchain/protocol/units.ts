import { ProtocolError } from "./errors.js";

/**
 * The one place where off-chain values become on-chain units (twin of `contracts/libraries/Units.sol`):
 * prices as integers with 8 decimals, weights in basis points, token amounts in the token's decimals,
 * seconds on-chain and milliseconds off-chain. Floats stop here.
 */

export const BPS = 10_000n;
export const PRICE_DECIMALS = 8;
export const E8 = 100_000_000n;

/** Thrown when a value cannot be represented in the target unit. */
export class UnitConversionError extends ProtocolError {
  override readonly name: string = "UnitConversionError";
}

function requireFinite(value: number, what: string): void {
  if (!Number.isFinite(value)) throw new UnitConversionError(`${what} must be a finite number, got ${value}`);
}

/** A finite number as a plain decimal string (no exponent), exact to 20 significant digits. */
function numberToPlain(value: number): string {
  requireFinite(value, "value");
  const [mantissa, exp] = value.toPrecision(20).split("e");
  const e = Number(exp ?? 0);
  const negative = mantissa!.startsWith("-");
  const digits = mantissa!.replace("-", "").replace(".", "");
  const point =
    (mantissa!.replace("-", "").indexOf(".") === -1
      ? digits.length
      : mantissa!.replace("-", "").indexOf(".")) + e;
  let plain: string;
  if (point <= 0) plain = "0." + "0".repeat(-point) + digits;
  else if (point >= digits.length) plain = digits + "0".repeat(point - digits.length);
  else plain = digits.slice(0, point) + "." + digits.slice(point);
  return (negative ? "-" : "") + plain;
}

/**
 * Decimal string or number → integer with `decimals` decimals, rounded half away from zero. A number
 * is first written with 20 significant digits (more than a double holds), so it is rounded once.
 */
export function toFixed(value: number | string, decimals: number): bigint {
  const text = typeof value === "number" ? numberToPlain(value) : value.trim();
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new UnitConversionError(`not a plain decimal number: "${text}"`);
  const [, sign, whole, frac = ""] = m;
  const padded = (frac + "0".repeat(decimals + 1)).slice(0, decimals + 1);
  let n = BigInt(whole!) * 10n ** BigInt(decimals) + BigInt(padded.slice(0, decimals) || "0");
  if (Number(padded[decimals]) >= 5) n += 1n;
  return sign ? -n : n;
}

/** Price (e.g. 43250.12) → 8-decimal integer. */
export function priceToE8(price: number | string): bigint {
  const p = toFixed(price, PRICE_DECIMALS);
  if (p <= 0n) throw new UnitConversionError(`price must be positive, got ${price}`);
  return p;
}

/** 8-decimal integer → number (for display and models only). */
export function e8ToNumber(value: bigint): number {
  return Number(value) / 1e8;
}

/** Weight as a fraction (0.25 = 25%) → basis points, rounded to the nearest; must fit int16. */
export function weightToBps(weight: number): number {
  requireFinite(weight, "weight");
  const bps = Math.round(weight * 10_000);
  if (bps > 32_767 || bps < -32_768)
    throw new UnitConversionError(`weight ${weight} does not fit int16 basis points`);
  return bps === 0 ? 0 : bps; // never -0
}

/** Token amount in whole units (e.g. 100.5 USDC) → token base units. */
export function toTokenUnits(amount: number | string, decimals: number): bigint {
  return toFixed(amount, decimals);
}

/** Milliseconds (off-chain clocks) → seconds (on-chain), rounded down. */
export function msToSeconds(ms: number): bigint {
  requireFinite(ms, "timestamp");
  return BigInt(Math.floor(ms / 1000));
}

/**
 * One venue trade (base amount, price, fee in the quote currency, venue time in ms) in a fill's
 * protocol units: signed 8-decimal quantity (+ buy, - sell), 8-decimal price and fee, seconds. The
 * engine reports its trades with it and the oracle nodes convert the venue's trades with it, so one
 * trade gives bit-identical fields on both sides.
 */
export function tradeToFillUnits(t: {
  readonly side: "buy" | "sell";
  readonly amount: number;
  readonly price: number;
  readonly fee: number;
  readonly timestamp: number;
}): { quantityE8: bigint; priceE8: bigint; feeE8: bigint; timestamp: bigint } {
  return {
    quantityE8: (t.side === "buy" ? 1n : -1n) * toFixed(t.amount, 8),
    priceE8: priceToE8(t.price),
    feeE8: toFixed(t.fee, 8),
    timestamp: msToSeconds(t.timestamp),
  };
}

/** Seconds (on-chain) → milliseconds. */
export function secondsToMs(seconds: bigint): number {
  return Number(seconds) * 1000;
}

/**
 * Value of `quantityE8` at `priceE8` in base units of a 1-dollar token with `tokenDecimals`, rounded
 * toward zero (a short position's notional is negative), as the trade ledger computes it.
 */
export function notional(quantityE8: bigint, priceE8: bigint, tokenDecimals: number): bigint {
  return (quantityE8 * priceE8 * 10n ** BigInt(tokenDecimals)) / (E8 * E8);
}

/** `amount` as basis points of `total`, rounded up (limit checks err on the strict side). */
export function bpsOf(amount: bigint, total: bigint): bigint {
  if (total <= 0n) throw new UnitConversionError(`total must be positive, got ${total}`);
  if (amount < 0n) throw new UnitConversionError(`amount must not be negative, got ${amount}`);
  return (amount * BPS + total - 1n) / total;
}

/** Rescale a feed answer with `decimals` decimals to 8 decimals, rounded down. */
export function toE8(answer: bigint, decimals: number): bigint {
  if (decimals === PRICE_DECIMALS) return answer;
  if (decimals > PRICE_DECIMALS) return answer / 10n ** BigInt(decimals - PRICE_DECIMALS);
  return answer * 10n ** BigInt(PRICE_DECIMALS - decimals);
}
