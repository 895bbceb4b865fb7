import { checkSeries } from "./checkSeries.js";
import type { Indicator } from "./Indicator.js";

/**
 * n-period simple return x[t] / x[t - n] - 1.
 *
 * @example
 * momentum([100, 110, 121], 2) // values[2] = 0.21, validFrom 2
 */
export function momentum(x: ArrayLike<number>, period: number): Indicator {
  checkSeries("momentum", x, period, { positive: true });
  const n = x.length;
  const values = new Float64Array(n).fill(NaN);
  for (let i = period; i < n; i++) values[i] = x[i]! / x[i - period]! - 1;
  return { values, validFrom: Math.min(n, period) };
}
