import type { DecisionDate } from "./DecisionDate.js";
import type { OosPrediction } from "./walkForward.js";

/**
 * Groups out-of-sample predictions into per-date cross-sections, ordered by time.
 *
 * @example
 * groupByDate(result.predictions).length // number of decision dates
 */
export function groupByDate(predictions: readonly OosPrediction[]): DecisionDate[] {
  const by = new Map<number, { scores: number[]; realized: number[] }>();
  for (const p of predictions) {
    const d = by.get(p.timestamp) ?? { scores: [], realized: [] };
    d.scores.push(p.score);
    d.realized.push(p.realized);
    by.set(p.timestamp, d);
  }
  return [...by.entries()].sort((a, b) => a[0] - b[0]).map(([timestamp, d]) => ({ timestamp, ...d }));
}
