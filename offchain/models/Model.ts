import type { AssetScore, ModelVersion } from "../types/decision.js";
import type { ModelDataset } from "./ModelDataset.js";
import type { PredictInput } from "./PredictInput.js";

/** What the model knows about itself, the seed of its model card (validation adds the figures). */
export interface ModelDescription {
  readonly name: string;
  readonly kind: string;
  readonly purpose: string;
  readonly hyperParameters: Readonly<Record<string, unknown>>;
  readonly featuresVersion: string;
  readonly columns: readonly string[];
  readonly training: {
    readonly symbols: readonly string[];
    readonly from: number;
    readonly to: number;
    readonly rows: number;
    readonly dataHash: string;
    readonly seed: number;
  } | null;
  readonly limitations: readonly string[];
  readonly versionHash: string;
}

/**
 * One predictive model. `fit` is deterministic given the dataset and seed (on one TensorFlow
 * backend for the LSTM); `predict` returns one score per asset (positive = long, negative =
 * short/avoid) in next-period log-return units with a confidence in [0, 1]; `save` + the class's
 * static `load` reproduce predictions exactly; `versionHash` is a content hash of weights,
 * hyper-parameters and the features version.
 */
export interface Model {
  readonly name: string;
  /** Feature rows per asset `predict` needs (1 for row models, the window length for the LSTM). */
  readonly lookback: number;
  fit(dataset: ModelDataset, options: { seed: number }): Promise<void>;
  predict(input: PredictInput): Promise<AssetScore[]>;
  save(dir: string): Promise<void>;
  versionHash(): string;
  version(): ModelVersion;
  modelCard(): ModelDescription;
  /** Frees native/WASM/tensor memory; afterwards only the hash, card and save still work. */
  dispose?(): void;
}
