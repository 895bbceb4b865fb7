import { checkSeries } from "./checkSeries.js";
import { FeatureInputError } from "./errors.js";
import type { Indicator } from "./Indicator.js";
import { logReturns } from "./logReturns.js";

/**
 * Rolling sample standard deviation (n - 1 denominator) of the last `period` log returns of a price
 * series, times sqrt(periodsPerYear) when given (365 for daily crypto, 8760 hourly). O(n): the
 * window's mean and sum of squared deviations are updated in place (Welford's add/remove step), and
 * rebuilt exactly every `period` steps to stop drift.
 *
 * @example
 * rollingVolatility(closes, 20, { periodsPerYear: 365 }) // annualised 20-day volatility, validFrom 20
 */
export function rollingVolatility(
  prices: ArrayLike<number>,
  period: number,
  options: { periodsPerYear?: number } = {},
): Indicator {
  checkSeries("rollingVolatility", prices, period, { positive: true });
  if (period < 2) throw new FeatureInputError(`rollingVolatility: period must be >= 2, got ${period}`);
  const r = logReturns(prices).values;
  const n = prices.length;
  const values = new Float64Array(n).fill(NaN);
  const validFrom = Math.min(n, period);
  const scale = Math.sqrt(options.periodsPerYear ?? 1);
  let mean = 0;
  let m2 = 0;
  for (let i = period; i < n; i++) {
    if ((i - period) % period === 0) {
      mean = 0;
      for (let j = i - period + 1; j <= i; j++) mean += r[j]!;
      mean /= period;
      m2 = 0;
      for (let j = i - period + 1; j <= i; j++) m2 += (r[j]! - mean) ** 2;
    } else {
      const xNew = r[i]!;
      const xOld = r[i - period]!;
      const newMean = mean + (xNew - xOld) / period;
      m2 += (xNew - xOld) * (xNew - newMean + xOld - mean);
      mean = newMean;
    }
    values[i] = Math.sqrt(Math.max(0, m2) / (period - 1)) * scale;
  }
  return { values, validFrom };
}
