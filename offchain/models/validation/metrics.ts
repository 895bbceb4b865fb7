import type { DecisionDate } from "./DecisionDate.js";
import { rankCorrelation } from "./rankCorrelation.js";

/**
 * Share of (asset, date) decisions whose score sign matched the realised return's sign; pairs with a
 * zero score or zero return are left out. NaN when nothing is left.
 *
 * @example
 * directionalAccuracy([{ timestamp: 0, scores: [1, -1], realized: [0.1, 0.2] }]) // 0.5
 */
export function directionalAccuracy(dates: readonly DecisionDate[]): number {
  let hit = 0;
  let n = 0;
  for (const d of dates)
    for (let i = 0; i < d.scores.length; i++) {
      const s = Math.sign(d.scores[i]!);
      const r = Math.sign(d.realized[i]!);
      if (s === 0 || r === 0) continue;
      n++;
      if (s === r) hit++;
    }
  return n === 0 ? NaN : hit / n;
}

/**
 * Pooled information coefficient: Spearman correlation of all scores with all realised returns.
 *
 * @example
 * pooledIc(dates) // in [-1, 1]
 */
export function pooledIc(dates: readonly DecisionDate[]): number {
  return rankCorrelation(
    dates.flatMap((d) => d.scores),
    dates.flatMap((d) => d.realized),
  );
}

/**
 * Mean cross-sectional IC: the average over dates of the Spearman correlation across assets
 * (dates with fewer than 3 assets or constant scores are skipped). This is the IC a long/short
 * ranking of assets earns; NaN when no date qualifies.
 *
 * @example
 * meanCrossSectionalIc(dates)
 */
export function meanCrossSectionalIc(dates: readonly DecisionDate[]): number {
  let s = 0;
  let n = 0;
  for (const d of dates) {
    if (d.scores.length < 3) continue;
    const ic = rankCorrelation(d.scores, d.realized);
    if (Number.isNaN(ic)) continue;
    s += ic;
    n++;
  }
  return n === 0 ? NaN : s / n;
}
