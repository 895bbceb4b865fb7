import { Rng } from "../../optimizer/rng.js";
import { ModelInputError } from "../errors.js";

export interface Interval {
  readonly value: number;
  readonly lo: number;
  readonly hi: number;
  readonly level: number;
}

/**
 * Percentile confidence interval of `statistic` by a seeded circular block bootstrap over `units`
 * (decision dates): blocks of `blockLength` consecutive dates keep short-range autocorrelation, so
 * the interval is not falsely narrow. Resamples whose statistic is NaN are dropped.
 *
 * @example
 * bootstrapCi(dates, directionalAccuracy, { seed: 1 }) // { value, lo, hi, level: 0.95 }
 */
export function bootstrapCi<T>(
  units: readonly T[],
  statistic: (sample: readonly T[]) => number,
  options: { seed: number; resamples?: number; level?: number; blockLength?: number },
): Interval {
  const n = units.length;
  if (n === 0) throw new ModelInputError("bootstrapCi: no units to resample");
  const resamples = options.resamples ?? 1000;
  const level = options.level ?? 0.95;
  const block = Math.max(1, Math.min(n, options.blockLength ?? 5));
  const rng = new Rng(options.seed);
  const stats: number[] = [];
  const sample = new Array<T>(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n;) {
      const start = rng.int(n);
      for (let j = 0; j < block && i < n; j++, i++) sample[i] = units[(start + j) % n]!;
    }
    const v = statistic(sample);
    if (!Number.isNaN(v)) stats.push(v);
  }
  const value = statistic(units);
  if (stats.length === 0) return { value, lo: NaN, hi: NaN, level };
  stats.sort((a, b) => a - b);
  const q = (p: number): number =>
    stats[Math.min(stats.length - 1, Math.max(0, Math.floor(p * stats.length)))]!;
  return { value, lo: q((1 - level) / 2), hi: q(1 - (1 - level) / 2), level };
}
