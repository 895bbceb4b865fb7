import type { ModelDescription } from "../Model.js";
import type { ValidationReport } from "./evaluatePredictions.js";

/** A trained model's card: what it is for, what it was trained on, how it did out of sample. */
export interface ModelCard extends ModelDescription {
  readonly validation: {
    readonly scheme: {
      readonly kind: "walk-forward";
      readonly trainWindow: number;
      readonly testWindow: number;
      readonly step: number;
      readonly folds: number;
      readonly seed: number;
    };
    readonly dataset: {
      readonly symbols: readonly string[];
      readonly from: number;
      readonly to: number;
      readonly rows: number;
      readonly dataHash: string;
    };
    readonly report: ValidationReport;
  } | null;
}
