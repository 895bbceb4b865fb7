import { OptimizerInputError } from "./errors.js";
import { Rng } from "./rng.js";

/**
 * Percentile bootstrap confidence interval for the mean, from a seeded resampler so reported
 * intervals are reproducible.
 *
 * @example
 * const { mean, lo, hi } = bootstrapMeanCi(ratios, { seed: 1 }); // 95% by default
 */
export function bootstrapMeanCi(
  xs: readonly number[],
  options: { resamples?: number; level?: number; seed?: number } = {},
): { mean: number; lo: number; hi: number } {
  const n = xs.length;
  if (n === 0) throw new OptimizerInputError("bootstrapMeanCi needs at least one value");
  const resamples = options.resamples ?? 2000;
  const level = options.level ?? 0.95;
  const rng = new Rng(options.seed ?? 0);
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const means = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += xs[rng.int(n)]!;
    means[r] = s / n;
  }
  means.sort();
  const alpha = (1 - level) / 2;
  const at = (q: number): number => means[Math.min(resamples - 1, Math.max(0, Math.floor(q * resamples)))]!;
  return { mean, lo: at(alpha), hi: at(1 - alpha) };
}
