import { ema } from "./ema.js";
import { FeatureInputError } from "./errors.js";
import type { Indicator } from "./Indicator.js";

export interface Macd {
  /** EMA(fast) - EMA(slow), valid from slow - 1. */
  readonly macd: Indicator;
  /** EMA(signal) of the MACD line, valid from slow + signal - 2. */
  readonly signal: Indicator;
  /** macd - signal, valid where the signal is. */
  readonly histogram: Indicator;
}

/**
 * MACD (12/26/9 by default) from SMA-seeded EMAs, as in `technicalindicators` and TA-Lib's
 * "classic" mode.
 *
 * @example
 * const { macd: line, signal, histogram } = macd(closes); // signal.validFrom === 33
 */
export function macd(x: ArrayLike<number>, fast = 12, slow = 26, signalPeriod = 9): Macd {
  if (fast >= slow) throw new FeatureInputError(`macd: fast period ${fast} must be below slow ${slow}`);
  const f = ema(x, fast);
  const s = ema(x, slow);
  const n = x.length;
  const line = new Float64Array(n).fill(NaN);
  for (let i = s.validFrom; i < n; i++) line[i] = f.values[i]! - s.values[i]!;
  const macdLine: Indicator = { values: line, validFrom: s.validFrom };
  const signal = ema(line, signalPeriod, Math.min(n, s.validFrom));
  const hist = new Float64Array(n).fill(NaN);
  for (let i = signal.validFrom; i < n; i++) hist[i] = line[i]! - signal.values[i]!;
  return { macd: macdLine, signal, histogram: { values: hist, validFrom: signal.validFrom } };
}
