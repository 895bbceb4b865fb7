import type { AssetScore, ModelVersion } from "../types/decision.js";
import { FEATURES_VERSION } from "../features/featuresVersion.js";
import { checkPredictInput } from "./checkPredictInput.js";
import { ModelInputError, ModelStateError } from "./errors.js";
import type { Model, ModelDescription } from "./Model.js";
import {
  artefactHash,
  readArtefact,
  writeArtefact,
  type ModelArtefact,
  describeArtefact,
} from "./modelArtefact.js";
import type { ModelDataset } from "./ModelDataset.js";
import type { PredictInput } from "./PredictInput.js";
import { trainingSamples } from "./trainingSamples.js";

export interface MaMomentumParams {
  /** Feature column holding the fast/slow moving-average spread. */
  readonly signalColumn: string;
}

interface MaWeights {
  /** Return units per unit of signal: std(target) / std(signal) on the training set. */
  readonly scale: number;
  /** std(signal) on the training set, for the confidence. */
  readonly signalStd: number;
}

const KIND = "ma-momentum";

/**
 * Moving-average momentum baseline: score = scale × (SMA10 / SMA50 − 1). The sign is the momentum
 * hypothesis and is never fitted, so a falling trend gives a negative score (avoid/short); fitting
 * only sets the scale (score in next-period return units) and the confidence tanh(|signal| / σ).
 *
 * @example
 * const m = new MaMomentumModel(); await m.fit(ds, { seed: 1 }); await m.predict(decisionInput(ds, t, 1))
 */
export class MaMomentumModel implements Model {
  readonly name = "ma-momentum-baseline";
  readonly lookback = 1;
  private weights: MaWeights | null = null;
  private columns: readonly string[] = [];
  private featuresVersion = FEATURES_VERSION;
  private training: ModelDescription["training"] = null;

  constructor(readonly params: MaMomentumParams = { signalColumn: "maCross10_50" }) {}

  async fit(ds: ModelDataset, options: { seed: number }): Promise<void> {
    const col = ds.columns.indexOf(this.params.signalColumn);
    if (col < 0)
      throw new ModelInputError(`${this.name}: dataset has no column "${this.params.signalColumn}"`);
    const samples = trainingSamples(ds, 1);
    if (samples.length < 2) throw new ModelInputError(`${this.name}: needs at least 2 training samples`);
    const x = samples.map((s) => ds.rows[s.asset]![s.t]![col]!);
    const y = samples.map((s) => ds.targets[s.asset]![s.t]!);
    const sd = (v: number[]): number => {
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
    };
    const signalStd = sd(x) || 1;
    this.weights = { scale: sd(y) / signalStd, signalStd };
    this.columns = ds.columns;
    this.featuresVersion = ds.featuresVersion;
    this.training = {
      symbols: ds.symbols,
      from: ds.timestamps[0]!,
      to: ds.timestamps[ds.timestamps.length - 1]!,
      rows: samples.length,
      dataHash: ds.dataHash,
      seed: options.seed,
    };
  }

  async predict(input: PredictInput): Promise<AssetScore[]> {
    const w = this.fitted();
    checkPredictInput(this.name, input, {
      featuresVersion: this.featuresVersion,
      columns: this.columns,
      lookback: 1,
    });
    const col = this.columns.indexOf(this.params.signalColumn);
    return input.assets.map(({ symbol, rows }) => {
      const s = rows[rows.length - 1]![col]!;
      return { symbol, score: w.scale * s, confidence: Math.tanh(Math.abs(s) / w.signalStd) };
    });
  }

  async save(dir: string): Promise<void> {
    await writeArtefact(dir, this.artefact());
  }

  static async load(dir: string): Promise<MaMomentumModel> {
    const a = await readArtefact(dir, KIND);
    const m = new MaMomentumModel(a.hyperParameters as unknown as MaMomentumParams);
    m.weights = a.weights as MaWeights;
    m.columns = a.columns;
    m.featuresVersion = a.featuresVersion;
    m.training = a.training;
    return m;
  }

  versionHash(): string {
    return this.artefact().versionHash;
  }

  version(): ModelVersion {
    return { name: this.name, versionHash: this.versionHash() };
  }

  modelCard(): ModelDescription {
    return describeArtefact(this.artefact(), {
      purpose:
        "Baseline: trend-following score from the 10/50-period moving-average spread; positive = long, negative = avoid/short. Any learnt model must beat it out of sample.",
      limitations: [
        "The sign is assumed (momentum), never learnt: in mean-reverting regimes it is systematically wrong.",
        "Uses one feature; ignores volatility, sentiment and cross-asset information.",
        "Confidence is a squashed signal strength, not a calibrated probability.",
      ],
    });
  }

  private fitted(): MaWeights {
    if (!this.weights) throw new ModelStateError(`${this.name}: call fit() or load() before predict()`);
    return this.weights;
  }

  private artefact(): ModelArtefact {
    const w = this.fitted();
    const base = {
      kind: KIND,
      hyperParameters: { ...this.params },
      featuresVersion: this.featuresVersion,
      columns: this.columns,
      weights: w,
    };
    return { ...base, name: this.name, training: this.training, versionHash: artefactHash(base) };
  }
}
