import { ModelInputError } from "./errors.js";
import { isActive } from "./isActive.js";
import type { ModelDataset } from "./ModelDataset.js";
import type { PredictInput } from "./PredictInput.js";

/**
 * The input of a decision at grid index t: the last `lookback` rows up to and including t for every
 * asset trading over that window (an asset not listed yet, or stopped, is left out). It copies
 * nothing after t, so a model cannot peek.
 *
 * @example
 * const scores = await model.predict(decisionInput(ds, t, model.lookback));
 */
export function decisionInput(ds: ModelDataset, t: number, lookback: number): PredictInput {
  if (!Number.isInteger(t) || t < lookback - 1 || t >= ds.timestamps.length)
    throw new ModelInputError(
      `decisionInput: index ${t} needs ${lookback} rows of history inside 0..${ds.timestamps.length - 1}`,
    );
  return {
    featuresVersion: ds.featuresVersion,
    columns: ds.columns,
    timestamp: ds.timestamps[t]!,
    assets: ds.symbols.flatMap((symbol, a) =>
      isActive(ds, a, t - lookback + 1, t)
        ? [{ symbol, rows: ds.rows[a]!.slice(t - lookback + 1, t + 1) }]
        : [],
    ),
  };
}
