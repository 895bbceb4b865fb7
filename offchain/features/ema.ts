import { checkSeries } from "./checkSeries.js";
import type { Indicator } from "./Indicator.js";

/**
 * Exponential moving average with alpha = 2 / (period + 1), seeded with the SMA of the first
 * `period` values (the convention of TA-Lib and the `technicalindicators` package). `from` is the
 * first valid input index (e.g. when smoothing another indicator such as MACD).
 *
 * Because of the seed, an EMA started later differs from one started earlier by
 * (1 - alpha)^k after k steps; `emaConvergence` gives the k after which they agree.
 *
 * @example
 * ema([1, 2, 3, 4], 3) // validFrom 2: values[2] = 2 (SMA seed), values[3] = 3
 */
export function ema(x: ArrayLike<number>, period: number, from = 0): Indicator {
  checkSeries("ema", x, period, { from });
  const n = x.length;
  const values = new Float64Array(n).fill(NaN);
  const validFrom = Math.min(n, from + period - 1);
  if (validFrom >= n) return { values, validFrom };
  const alpha = 2 / (period + 1);
  let seed = 0;
  for (let i = from; i <= validFrom; i++) seed += x[i]!;
  let e = seed / period;
  values[validFrom] = e;
  for (let i = validFrom + 1; i < n; i++) {
    e += alpha * (x[i]! - e);
    values[i] = e;
  }
  return { values, validFrom };
}

/**
 * Steps after which two EMAs of the same series started at different points agree to `relTol`
 * relative to the initial discrepancy: ceil(ln(relTol) / ln(1 - alpha)). With `smoothing` = 1 / period
 * it gives the same for Wilder smoothing (RSI).
 *
 * @example
 * emaConvergence(26) // 449 steps for 1e-15
 */
export function emaConvergence(period: number, relTol = 1e-15, smoothing = 2 / (period + 1)): number {
  return Math.ceil(Math.log(relTol) / Math.log(1 - smoothing));
}
