import type { Model } from "../Model.js";
import type { ModelDataset } from "../ModelDataset.js";
import { sliceDataset } from "../sliceDataset.js";
import { buildModelCard } from "./buildModelCard.js";
import { evaluatePredictions, type ValidationReport } from "./evaluatePredictions.js";
import type { ModelCard } from "./ModelCard.js";
import { walkForward, type WalkForwardResult } from "./walkForward.js";
import { writeModelCard } from "./writeModelCard.js";

export interface ValidateAndCardResult {
  /** Fitted on the most recent `trainWindow` grid points: the model to deploy. */
  readonly model: Model;
  readonly walkForward: WalkForwardResult;
  readonly report: ValidationReport;
  readonly card: ModelCard;
}

/**
 * The whole research step for one model: walk-forward validation, then a final fit on the latest
 * training window (seed unchanged), and, when `outDir` is given, its artefact (`model.json`) and
 * card (`model-card.json`, `MODEL_CARD.md`) side by side.
 *
 * @example
 * const { card } = await validateAndCard(ds, () => new LstmModel(), { trainWindow: 500, testWindow: 90, step: 90, seed: 1 }, "artefacts/lstm");
 */
export async function validateAndCard(
  ds: ModelDataset,
  makeModel: () => Model,
  options: {
    trainWindow: number;
    testWindow: number;
    step: number;
    seed: number;
    resamples?: number;
    runs?: number;
  },
  outDir?: string,
): Promise<ValidateAndCardResult> {
  const wf = await walkForward(ds, makeModel, options);
  const report = evaluatePredictions(wf.predictions, {
    seed: options.seed,
    ...(options.resamples === undefined ? {} : { resamples: options.resamples }),
    ...(options.runs === undefined ? {} : { runs: options.runs }),
  });
  const T = ds.timestamps.length;
  const model = makeModel();
  await model.fit(sliceDataset(ds, Math.max(0, T - options.trainWindow), T), { seed: options.seed });
  const card = buildModelCard(model, { ds, options, result: wf, report });
  if (outDir) {
    await model.save(outDir);
    await writeModelCard(outDir, card);
  }
  return { model, walkForward: wf, report, card };
}
