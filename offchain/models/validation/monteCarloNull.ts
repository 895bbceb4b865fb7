import { Rng } from "../../optimizer/rng.js";
import type { DecisionDate } from "./DecisionDate.js";

export interface NullTest {
  readonly observed: number;
  /** Central `level` band of the statistic when scores carry no information. */
  readonly nullLo: number;
  readonly nullHi: number;
  readonly nullMean: number;
  /** One-sided p-value of observing at least `observed` by chance: (1 + #≥) / (1 + runs). */
  readonly p: number;
  readonly runs: number;
}

/**
 * Monte Carlo permutation test: the realised cross-sections are reassigned to random other dates
 * (seeded shuffle) with as many assets, which keeps each date's scores and each date's returns
 * intact but breaks the link between them. The statistic's distribution over such shuffles is what pure luck produces.
 *
 * @example
 * monteCarloNull(dates, directionalAccuracy, { seed: 1 }).p
 */
export function monteCarloNull(
  dates: readonly DecisionDate[],
  statistic: (d: readonly DecisionDate[]) => number,
  options: { seed: number; runs?: number; level?: number },
): NullTest {
  const runs = options.runs ?? 1000;
  const level = options.level ?? 0.95;
  const rng = new Rng(options.seed);
  const observed = statistic(dates);
  const perm = dates.map((_, i) => i);
  // Dates are only exchanged with dates of the same cross-section size (assets list and stop at
  // their own times); with one size this is a plain shuffle of all dates.
  const strata = new Map<number, number[]>();
  dates.forEach((d, i) => strata.set(d.realized.length, [...(strata.get(d.realized.length) ?? []), i]));
  const stats: number[] = [];
  let atLeast = 0;
  for (let r = 0; r < runs; r++) {
    for (const idx of strata.values())
      for (let i = idx.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [perm[idx[i]!], perm[idx[j]!]] = [perm[idx[j]!]!, perm[idx[i]!]!];
      }
    const shuffled = dates.map((d, i) => ({ ...d, realized: dates[perm[i]!]!.realized }));
    const v = statistic(shuffled);
    if (Number.isNaN(v)) continue;
    stats.push(v);
    if (v >= observed) atLeast++;
  }
  stats.sort((a, b) => a - b);
  const q = (p: number): number =>
    stats[Math.min(stats.length - 1, Math.max(0, Math.floor(p * stats.length)))] ?? NaN;
  return {
    observed,
    nullLo: q((1 - level) / 2),
    nullHi: q(1 - (1 - level) / 2),
    nullMean: stats.reduce((a, b) => a + b, 0) / Math.max(1, stats.length),
    p: (1 + atLeast) / (1 + stats.length),
    runs: stats.length,
  };
}
