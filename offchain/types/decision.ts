import type { OptimizerMeta } from "../optimizer/optimizePortfolio.js";

/** One model's opinion of one asset: positive = long, negative = short/avoid. */
export interface AssetScore {
  readonly symbol: string;
  readonly score: number;
  /** 0..1, how much the model trusts this score. */
  readonly confidence: number;
}

/** A model artefact's identity: name plus a content hash of its weights and hyper-parameters. */
export interface ModelVersion {
  readonly name: string;
  readonly versionHash: string;
}

/**
 * A portfolio decision: what the strategy wants to hold after one decision cycle. The same shape in
 * backtest, shadow, paper and live; it becomes a signal report at the chain edge.
 */
export interface Decision {
  readonly runId: string;
  /** Decision time (the close of the last candle used), ms. */
  readonly timestamp: number;
  readonly seed: number;
  /** Content hash of everything the decision read (candles, features version, model artefacts, parameters, seed). */
  readonly inputsHash: string;
  readonly featuresVersion: string;
  readonly models: readonly ModelVersion[];
  /** Combined score per symbol. */
  readonly scores: Readonly<Record<string, number>>;
  /** Target weight per symbol, fraction of equity (negative = short); absent = 0. */
  readonly weights: Readonly<Record<string, number>>;
  readonly estimatedReturn: number;
  readonly optimizerMeta: OptimizerMeta | null;
}

/** One line of `run_log.jsonl`: a decision chained to the previous record by hash. */
export interface RunLogRecord extends Decision {
  /** Hash of the previous record ("0x00…00" for the first). */
  readonly prevHash: string;
  /** keccak256 of the canonical JSON of this record without `hash` (and without `actualReturn`). */
  readonly hash: string;
  /** Realised return over the holding period, filled in later by an amendment record; null until then. */
  readonly actualReturn: number | null;
}
