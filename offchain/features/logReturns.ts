import { checkSeries } from "./checkSeries.js";
import type { Indicator } from "./Indicator.js";

/**
 * One-period log returns ln(x[t] / x[t-1]); validFrom 1.
 *
 * @example
 * logReturns([1, Math.E]) // values [NaN, 1]
 */
export function logReturns(x: ArrayLike<number>): Indicator {
  checkSeries("logReturns", x, 1, { positive: true });
  const n = x.length;
  const values = new Float64Array(n).fill(NaN);
  for (let i = 1; i < n; i++) values[i] = Math.log(x[i]! / x[i - 1]!);
  return { values, validFrom: Math.min(n, 1) };
}
