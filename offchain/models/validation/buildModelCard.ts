import type { Model } from "../Model.js";
import type { ModelDataset } from "../ModelDataset.js";
import type { ValidationReport } from "./evaluatePredictions.js";
import type { ModelCard } from "./ModelCard.js";
import type { WalkForwardOptions, WalkForwardResult } from "./walkForward.js";

/**
 * Assembles the card of a trained model from its own description and its walk-forward validation.
 *
 * @example
 * const card = buildModelCard(model, { ds, options, result, report });
 */
export function buildModelCard(
  model: Model,
  validation: {
    ds: ModelDataset;
    options: Pick<WalkForwardOptions, "trainWindow" | "testWindow" | "step" | "seed">;
    result: WalkForwardResult;
    report: ValidationReport;
  } | null,
): ModelCard {
  const d = model.modelCard();
  if (!validation) return { ...d, validation: null };
  const { ds, options, result, report } = validation;
  return {
    ...d,
    validation: {
      scheme: {
        kind: "walk-forward",
        trainWindow: options.trainWindow,
        testWindow: options.testWindow,
        step: options.step,
        folds: result.folds.length,
        seed: options.seed,
      },
      dataset: {
        symbols: ds.symbols,
        from: ds.timestamps[0]!,
        to: ds.timestamps[ds.timestamps.length - 1]!,
        rows: ds.timestamps.length,
        dataHash: ds.dataHash,
      },
      report,
    },
  };
}
