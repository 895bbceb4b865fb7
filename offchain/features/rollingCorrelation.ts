import { FeatureInputError, FeatureRangeError } from "./errors.js";

/** Rolling correlation matrices of k aligned series; one k×k row-major matrix per time index. */
export interface RollingCorrelation {
  readonly size: number;
  readonly window: number;
  /** First time index with a full window. */
  readonly validFrom: number;
  readonly length: number;
  /** The k×k matrix for time index t (a view, do not mutate); throws before `validFrom`. */
  at(t: number): Float64Array;
}

/**
 * Pearson correlation of every pair of k aligned series (typically log returns) over a trailing
 * window, O(n·k²) with rolling sums of x, x² and x·y, rebuilt exactly every `window` steps. A series
 * that is constant over the window has correlation 0 with the others (1 with itself), not NaN.
 * `from` is the first index valid in every series (1 for log returns).
 *
 * @example
 * const c = rollingCorrelation([btcReturns, ethReturns], 30, 1); c.at(100)[1] // corr(BTC, ETH)
 */
export function rollingCorrelation(
  series: readonly ArrayLike<number>[],
  window: number,
  from = 0,
): RollingCorrelation {
  const k = series.length;
  if (k === 0) throw new FeatureInputError("rollingCorrelation: need at least one series");
  if (!Number.isInteger(window) || window < 2)
    throw new FeatureInputError(`rollingCorrelation: window must be an integer >= 2, got ${window}`);
  const n = series[0]!.length;
  for (const [a, s] of series.entries()) {
    if (s.length !== n)
      throw new FeatureInputError(
        `rollingCorrelation: series ${a} has ${s.length} values, series 0 has ${n}; align them on common timestamps first`,
      );
    for (let i = from; i < n; i++)
      if (!Number.isFinite(s[i]!))
        throw new FeatureInputError(`rollingCorrelation: series ${a} is ${s[i]} at index ${i}`);
  }
  const validFrom = Math.min(n, from + window - 1);
  const out = new Float64Array(Math.max(0, n - validFrom) * k * k);
  const sx = new Float64Array(k);
  const sxy = new Float64Array(k * k); // upper triangle incl. diagonal (sxx)
  const add = (t: number, sign: number): void => {
    for (let a = 0; a < k; a++) {
      const xa = series[a]![t]!;
      sx[a] = sx[a]! + sign * xa;
      for (let b = a; b < k; b++) sxy[a * k + b] = sxy[a * k + b]! + sign * xa * series[b]![t]!;
    }
  };
  for (let t = from; t < n; t++) {
    if (t >= validFrom && (t - validFrom) % window === 0) {
      sx.fill(0);
      sxy.fill(0);
      for (let j = t - window + 1; j <= t; j++) add(j, 1);
    } else {
      if (t - window >= from) add(t - window, -1);
      add(t, 1);
    }
    if (t < validFrom) continue;
    const base = (t - validFrom) * k * k;
    for (let a = 0; a < k; a++) {
      const va = sxy[a * k + a]! - (sx[a]! * sx[a]!) / window;
      for (let b = a; b < k; b++) {
        const vb = sxy[b * k + b]! - (sx[b]! * sx[b]!) / window;
        const cov = sxy[a * k + b]! - (sx[a]! * sx[b]!) / window;
        // tiny relative variances are rounding noise from a constant window
        const eps = 1e-14 * window;
        let c: number;
        if (a === b) c = 1;
        else if (
          va <= eps * Math.max(1e-300, sxy[a * k + a]!) ||
          vb <= eps * Math.max(1e-300, sxy[b * k + b]!)
        )
          c = 0;
        else c = Math.max(-1, Math.min(1, cov / Math.sqrt(va * vb)));
        out[base + a * k + b] = c;
        out[base + b * k + a] = c;
      }
    }
  }
  return {
    size: k,
    window,
    validFrom,
    length: n,
    at(t: number): Float64Array {
      if (!Number.isInteger(t) || t < validFrom || t >= n)
        throw new FeatureRangeError(
          `rollingCorrelation.at(${t}): valid indices are ${validFrom}..${n - 1} (window ${window})`,
        );
      const base = (t - validFrom) * k * k;
      return out.subarray(base, base + k * k);
    },
  };
}
