import type { CloseSeries } from "./benchmarks.js";

export interface CorrelationReport {
  readonly symbols: readonly string[];
  /** Pearson correlations of close-to-close returns over common timestamps, row-major. */
  readonly matrix: readonly (readonly number[])[];
  /** Mean off-diagonal correlation: how much diversification the book really has. */
  readonly averageCorrelation: number;
  readonly observations: number;
}

/** Correlation of the symbols' returns over their last `lookback` common timestamps. */
export function correlationMatrix(
  closes: Readonly<Record<string, CloseSeries>>,
  symbols: readonly string[],
  lookback = 90,
): CorrelationReport {
  const maps = symbols.map((s) => new Map(closes[s] ?? []));
  const common = [...(maps[0]?.keys() ?? [])]
    .filter((t) => maps.every((m) => m.has(t)))
    .sort((a, b) => a - b);
  const ts = common.slice(-(lookback + 1));
  const rets = maps.map((m) => ts.slice(1).map((t, i) => m.get(t)! / m.get(ts[i]!)! - 1));
  const n = symbols.length;
  const T = Math.max(0, ts.length - 1);
  const matrix = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const mean = rets.map((r) => r.reduce((a, b) => a + b, 0) / Math.max(1, T));
  const sd = rets.map((r, i) => Math.sqrt(r.reduce((a, b) => a + (b - mean[i]!) ** 2, 0)));
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      if (i === j) {
        matrix[i]![j] = 1;
        continue;
      }
      let c = 0;
      for (let t = 0; t < T; t++) c += (rets[i]![t]! - mean[i]!) * (rets[j]![t]! - mean[j]!);
      const v = sd[i]! > 0 && sd[j]! > 0 ? c / (sd[i]! * sd[j]!) : 0;
      matrix[i]![j] = v;
      if (j > i) {
        sum += v;
        pairs++;
      }
    }
  return { symbols, matrix, averageCorrelation: pairs ? sum / pairs : 0, observations: T };
}
