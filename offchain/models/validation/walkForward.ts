import { decisionInput } from "../decisionInput.js";
import { isActive } from "../isActive.js";
import { ModelInputError } from "../errors.js";
import type { Model } from "../Model.js";
import type { ModelDataset } from "../ModelDataset.js";
import { sliceDataset } from "../sliceDataset.js";

export interface WalkForwardOptions {
  /** Grid points in each training window. */
  readonly trainWindow: number;
  /** Decisions tested after each training window. */
  readonly testWindow: number;
  /** How far the window moves between folds (usually = testWindow: non-overlapping tests). */
  readonly step: number;
  readonly seed: number;
  /** Called after each fold, e.g. to keep the last model for its card; the model is disposed right after. */
  readonly onFold?: (fold: WalkForwardFold, model: Model) => void | Promise<void>;
}

export interface WalkForwardFold {
  readonly index: number;
  /** Training grid indices [trainFrom, trainTo). */
  readonly trainFrom: number;
  readonly trainTo: number;
  /** Tested decision indices [testFrom, testTo). */
  readonly testFrom: number;
  readonly testTo: number;
  readonly versionHash: string;
}

/** One out-of-sample decision: score at the close of t, realised log return t → t+1. */
export interface OosPrediction {
  readonly fold: number;
  readonly t: number;
  readonly timestamp: number;
  readonly symbol: string;
  readonly score: number;
  readonly confidence: number;
  readonly realized: number;
}

export interface WalkForwardResult {
  readonly folds: readonly WalkForwardFold[];
  readonly predictions: readonly OosPrediction[];
}

/**
 * Rolling out-of-sample evaluation. Fold k trains a fresh model (seed + k) on
 * `sliceDataset(ds, s, s + trainWindow)`, whose last target is realised at the close of candle
 * s + trainWindow − 1, then decides at every t in [s + trainWindow, s + trainWindow + testWindow)
 * from `decisionInput(ds, t, lookback)`, i.e. rows up to t only. No fold reads a price after its
 * decision time; features are causal by construction (see buildFeatureFrame).
 *
 * @example
 * const r = await walkForward(ds, () => new MaMomentumModel(), { trainWindow: 365, testWindow: 30, step: 30, seed: 1 });
 */
export async function walkForward(
  ds: ModelDataset,
  makeModel: () => Model,
  options: WalkForwardOptions,
): Promise<WalkForwardResult> {
  const { trainWindow, testWindow, step, seed } = options;
  const T = ds.timestamps.length;
  for (const [k, v] of Object.entries({ trainWindow, testWindow, step }))
    if (!Number.isInteger(v) || v < 1)
      throw new ModelInputError(`walkForward: ${k} must be a positive integer, got ${v}`);
  if (trainWindow + 1 >= T)
    throw new ModelInputError(
      `walkForward: trainWindow ${trainWindow} leaves no test data in ${T} grid points`,
    );
  const folds: WalkForwardFold[] = [];
  const predictions: OosPrediction[] = [];
  for (let s = 0, k = 0; s + trainWindow < T - 1; s += step, k++) {
    const model = makeModel();
    await model.fit(sliceDataset(ds, s, s + trainWindow), { seed: seed + k });
    const testFrom = s + trainWindow;
    const testTo = Math.min(testFrom + testWindow, T - 1); // the last grid point has no realised return
    for (let t = Math.max(testFrom, model.lookback - 1); t < testTo; t++) {
      if (!ds.targetOk[t]) continue;
      const scores = await model.predict(decisionInput(ds, t, model.lookback));
      for (const sc of scores) {
        const a = ds.symbols.indexOf(sc.symbol);
        if (!isActive(ds, a, t, t + 1)) continue; // stopped before the target was realised
        predictions.push({
          fold: k,
          t,
          timestamp: ds.timestamps[t]!,
          symbol: sc.symbol,
          score: sc.score,
          confidence: sc.confidence,
          realized: ds.targets[a]![t]!,
        });
      }
    }
    const fold = {
      index: k,
      trainFrom: s,
      trainTo: s + trainWindow,
      testFrom,
      testTo,
      versionHash: model.versionHash(),
    };
    folds.push(fold);
    await options.onFold?.(fold, model);
    // fold models are done once scored; free WASM boosters and tensors (hash and card still work)
    model.dispose?.();
  }
  return { folds, predictions };
}
