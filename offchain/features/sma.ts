import { checkSeries } from "./checkSeries.js";
import type { Indicator } from "./Indicator.js";

/**
 * Simple moving average over `period` values, O(n) with a running sum. The running sum is rebuilt
 * from scratch every `period` steps so rounding error cannot accumulate over long histories (this is
 * what makes a long-history and a short-tail computation agree to ~1e-12 relative).
 *
 * @example
 * sma([1, 2, 3, 4], 2) // values [NaN, 1.5, 2.5, 3.5], validFrom 1
 */
export function sma(x: ArrayLike<number>, period: number, from = 0): Indicator {
  checkSeries("sma", x, period, { from });
  const n = x.length;
  const values = new Float64Array(n).fill(NaN);
  const validFrom = Math.min(n, from + period - 1);
  let sum = 0;
  for (let i = from; i < n; i++) {
    if ((i - from) % period === 0 && i - from >= period) {
      // exact rebuild of the window [i - period + 1, i - 1] before adding x[i]
      sum = 0;
      for (let j = i - period + 1; j < i; j++) sum += x[j]!;
    } else if (i - from >= period) {
      sum -= x[i - period]!;
    }
    sum += x[i]!;
    if (i >= validFrom) values[i] = sum / period;
  }
  return { values, validFrom };
}
