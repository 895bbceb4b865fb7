/**
 * Exact conversions between on-chain integers and the words voters read: no floating point, so a
 * value is never shown rounded, and every parser refuses what it cannot represent exactly.
 */

/** Thousands separators on a string of digits. */
function group(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** `value` in units of 10^-decimals, exactly, with thousands separators ("20,000,000", "1,234.5"). */
export function exactUnits(value: bigint, decimals: number): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const scale = 10n ** BigInt(decimals);
  const whole = group((abs / scale).toString());
  const frac = decimals > 0 ? (abs % scale).toString().padStart(decimals, "0").replace(/0+$/, "") : "";
  return `${negative ? "-" : ""}${whole}${frac ? `.${frac}` : ""}`;
}

/** Basis points as a percentage, exactly ("5%", "0.01%", "12.5%"). */
export function bpsText(bps: bigint | number): string {
  return `${exactUnits(BigInt(bps), 2)}%`;
}

const UNITS: Array<[bigint, string, string]> = [
  [86_400n, "day", "days"],
  [3_600n, "h", "h"],
  [60n, "min", "min"],
  [1n, "s", "s"],
];

/** Seconds in words, exactly ("2 days", "1 h", "1 day 30 min", "0 s"). */
export function durationText(seconds: bigint | number): string {
  let s = BigInt(seconds);
  if (s === 0n) return "0 s";
  const parts: string[] = [];
  for (const [size, one, many] of UNITS) {
    const n = s / size;
    if (n > 0n) parts.push(`${group(n.toString())} ${n === 1n ? one : many}`);
    s %= size;
  }
  return parts.join(" ");
}

export class InputError extends Error {
  override name = "InputError";
}

/** A decimal number typed by a user as an integer in units of 10^-decimals; refuses excess digits. */
export function parseUnitsExact(text: string, decimals: number, what = "amount"): bigint {
  const t = text.trim().replace(/[,_\s]/g, "");
  const m = /^(\d+)(?:\.(\d+))?$/.exec(t);
  if (!m) throw new InputError(`${what}: enter a number such as 1000 or 12.5`);
  const frac = m[2] ?? "";
  if (frac.length > decimals)
    throw new InputError(`${what}: at most ${decimals} decimal${decimals === 1 ? "" : "s"}`);
  return BigInt(m[1]!) * 10n ** BigInt(decimals) + BigInt(frac.padEnd(decimals, "0") || "0");
}

/** A percentage ("5", "2.5%") as basis points. */
export function parsePercentBps(text: string, what = "percentage"): bigint {
  return parseUnitsExact(text.replace(/%\s*$/, ""), 2, what);
}

const durationUnits: Record<string, bigint> = {
  s: 1n,
  sec: 1n,
  secs: 1n,
  second: 1n,
  seconds: 1n,
  m: 60n,
  min: 60n,
  mins: 60n,
  minute: 60n,
  minutes: 60n,
  h: 3_600n,
  hour: 3_600n,
  hours: 3_600n,
  d: 86_400n,
  day: 86_400n,
  days: 86_400n,
};

/** A duration typed as "3600", "90 min", "2h", "2 days" or "1 day 30 min", in seconds. */
export function parseDuration(text: string, what = "duration"): bigint {
  const t = text.trim().toLowerCase().replace(/,/g, "");
  if (!t) throw new InputError(`${what}: enter a duration such as 3600, 90 min, 2 h or 2 days`);
  if (/^\d+$/.test(t)) return BigInt(t);
  let total = 0n;
  let rest = t;
  const part = /^(\d+)\s*([a-z]+)\s*/;
  while (rest) {
    const m = part.exec(rest);
    const unit = m ? durationUnits[m[2]!] : undefined;
    if (!m || unit === undefined)
      throw new InputError(`${what}: "${text.trim()}" is not a duration (e.g. 3600, 90 min, 2 h, 2 days)`);
    total += BigInt(m[1]!) * unit;
    rest = rest.slice(m[0].length);
  }
  return total;
}

/** A whole number from 0 to `max`. */
export function parseWhole(text: string, max: bigint, what = "number"): bigint {
  const t = text.trim().replace(/[,_]/g, "");
  if (!/^\d+$/.test(t)) throw new InputError(`${what}: enter a whole number`);
  const n = BigInt(t);
  if (n > max) throw new InputError(`${what}: at most ${group(max.toString())}`);
  return n;
}
