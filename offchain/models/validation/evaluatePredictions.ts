import { bootstrapCi, type Interval } from "./bootstrapCi.js";
import type { DecisionDate } from "./DecisionDate.js";
import { groupByDate } from "./groupByDate.js";
import { directionalAccuracy, meanCrossSectionalIc, pooledIc } from "./metrics.js";
import { monteCarloNull, type NullTest } from "./monteCarloNull.js";
import type { OosPrediction } from "./walkForward.js";

export interface MetricReport {
  /** Point estimate with its block-bootstrap CI. */
  readonly estimate: Interval;
  /** Permutation null band and p-value. */
  readonly null: NullTest;
}

export interface ValidationReport {
  readonly decisions: number;
  readonly dates: number;
  readonly firstDate: number;
  readonly lastDate: number;
  readonly directionalAccuracy: MetricReport;
  readonly pooledIc: MetricReport;
  readonly meanCrossSectionalIc: MetricReport;
  readonly bootstrap: { readonly resamples: number; readonly blockLength: number; readonly seed: number };
  readonly monteCarlo: { readonly runs: number; readonly seed: number };
}

/**
 * Directional accuracy, pooled IC and mean cross-sectional IC of out-of-sample predictions, each
 * with a seeded block-bootstrap 95 % CI and a seeded Monte Carlo permutation null. Same inputs and
 * seed → identical report.
 *
 * @example
 * const report = evaluatePredictions(result.predictions, { seed: 1 });
 */
export function evaluatePredictions(
  predictions: readonly OosPrediction[],
  options: { seed: number; resamples?: number; runs?: number; blockLength?: number },
): ValidationReport {
  const dates = groupByDate(predictions);
  const resamples = options.resamples ?? 1000;
  const runs = options.runs ?? 1000;
  const blockLength = options.blockLength ?? 5;
  const metric = (f: (d: readonly DecisionDate[]) => number, salt: number): MetricReport => ({
    estimate: bootstrapCi(dates, f, { seed: options.seed + salt, resamples, blockLength }),
    null: monteCarloNull(dates, f, { seed: options.seed + 1000 + salt, runs }),
  });
  return {
    decisions: predictions.length,
    dates: dates.length,
    firstDate: dates[0]?.timestamp ?? NaN,
    lastDate: dates[dates.length - 1]?.timestamp ?? NaN,
    directionalAccuracy: metric(directionalAccuracy, 1),
    pooledIc: metric(pooledIc, 2),
    meanCrossSectionalIc: metric(meanCrossSectionalIc, 3),
    bootstrap: { resamples, blockLength, seed: options.seed },
    monteCarlo: { runs, seed: options.seed },
  };
}
