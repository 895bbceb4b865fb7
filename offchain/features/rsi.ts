import { checkSeries } from "./checkSeries.js";
import type { Indicator } from "./Indicator.js";

/**
 * Wilder's RSI: average gain and loss over the first `period` changes seeded by their simple mean,
 * then smoothed with alpha = 1 / period. 100 when there were no losses in the window (50 when the
 * price did not move at all). validFrom = period.
 *
 * @example
 * rsi(closes, 14).values[14] // first RSI value
 */
export function rsi(x: ArrayLike<number>, period = 14): Indicator {
  checkSeries("rsi", x, period);
  const n = x.length;
  const values = new Float64Array(n).fill(NaN);
  const validFrom = Math.min(n, period);
  if (n <= period) return { values, validFrom };
  let gain = 0;
  let loss = 0;
  for (let i = 1; i <= period; i++) {
    const d = x[i]! - x[i - 1]!;
    if (d > 0) gain += d;
    else loss -= d;
  }
  gain /= period;
  loss /= period;
  const value = (): number => (loss === 0 ? (gain === 0 ? 50 : 100) : 100 - 100 / (1 + gain / loss));
  values[period] = value();
  for (let i = period + 1; i < n; i++) {
    const d = x[i]! - x[i - 1]!;
    gain = (gain * (period - 1) + (d > 0 ? d : 0)) / period;
    loss = (loss * (period - 1) + (d < 0 ? -d : 0)) / period;
    values[i] = value();
  }
  return { values, validFrom };
}
