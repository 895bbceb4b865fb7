import { checkSeries } from "./checkSeries.js";
import type { Indicator } from "./Indicator.js";
import { sma } from "./sma.js";

export interface Bollinger {
  readonly middle: Indicator;
  readonly upper: Indicator;
  readonly lower: Indicator;
  /** (x - lower) / (upper - lower); 0.5 when the band has zero width. */
  readonly percentB: Indicator;
  /** (upper - lower) / middle. */
  readonly bandwidth: Indicator;
}

/**
 * Bollinger bands: SMA(period) ± k·σ with the population standard deviation of the window
 * (Bollinger's own definition, and what `technicalindicators` uses). O(n) via rolling sums of
 * deviations from the window mean, rebuilt every `period` steps.
 *
 * @example
 * bollinger(closes, 20, 2).upper.values[19]
 */
export function bollinger(x: ArrayLike<number>, period = 20, k = 2): Bollinger {
  checkSeries("bollinger", x, period);
  const n = x.length;
  const middle = sma(x, period);
  const validFrom = middle.validFrom;
  const upper = new Float64Array(n).fill(NaN);
  const lower = new Float64Array(n).fill(NaN);
  const pb = new Float64Array(n).fill(NaN);
  const bw = new Float64Array(n).fill(NaN);
  let mean = 0;
  let m2 = 0;
  for (let i = validFrom; i < n; i++) {
    if ((i - validFrom) % period === 0) {
      mean = 0;
      for (let j = i - period + 1; j <= i; j++) mean += x[j]!;
      mean /= period;
      m2 = 0;
      for (let j = i - period + 1; j <= i; j++) m2 += (x[j]! - mean) ** 2;
    } else {
      const xNew = x[i]!;
      const xOld = x[i - period]!;
      const newMean = mean + (xNew - xOld) / period;
      m2 += (xNew - xOld) * (xNew - newMean + xOld - mean);
      mean = newMean;
    }
    const sd = Math.sqrt(Math.max(0, m2) / period);
    const mid = middle.values[i]!;
    upper[i] = mid + k * sd;
    lower[i] = mid - k * sd;
    const width = upper[i]! - lower[i]!;
    pb[i] = width > 0 ? (x[i]! - lower[i]!) / width : 0.5;
    bw[i] = mid !== 0 ? width / mid : 0;
  }
  const ind = (values: Float64Array): Indicator => ({ values, validFrom });
  return { middle, upper: ind(upper), lower: ind(lower), percentB: ind(pb), bandwidth: ind(bw) };
}
