import type * as tfTypes from "@tensorflow/tfjs";
import type { AssetScore, ModelVersion } from "../types/decision.js";
import { FEATURES_VERSION } from "../features/featuresVersion.js";
import { Rng } from "../optimizer/rng.js";
import { checkPredictInput } from "./checkPredictInput.js";
import { ModelArtefactError, ModelInputError, ModelStateError } from "./errors.js";
import { initTfBackend, type TfBackendName } from "./initTfBackend.js";
import type { Model, ModelDescription } from "./Model.js";
import {
  artefactHash,
  readArtefact,
  writeArtefact,
  type ModelArtefact,
  describeArtefact,
} from "./modelArtefact.js";
import { isActive } from "./isActive.js";
import type { ModelDataset } from "./ModelDataset.js";
import type { PredictInput } from "./PredictInput.js";
import { fitStandardiser, standardise, type Standardiser } from "./Standardiser.js";
import { trainingSamples } from "./trainingSamples.js";

export interface LstmParams {
  /** Feature rows per input sequence. */
  readonly lookback: number;
  readonly units: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** "auto" = native if available, else WASM, else CPU. */
  readonly backend: "auto" | TfBackendName;
}

interface LstmWeights {
  readonly standardiser: Standardiser;
  /** Std of the training target: the network predicts target / targetStd. */
  readonly targetStd: number;
  readonly tensors: readonly { readonly shape: readonly number[]; readonly values: readonly number[] }[];
  /** Backend the weights were trained on (training is reproducible only on the same backend). */
  readonly trainedOn: TfBackendName;
}

const KIND = "lstm";

/**
 * LSTM (TensorFlow.js) over the last `lookback` standardised feature rows of an asset, one LSTM layer
 * and a linear output, trained with Adam on mean squared error of the standardised next-period log
 * return, pooled across assets. Deterministic for a seed on one backend: seeded Glorot/orthogonal
 * initialisers, no dropout, and each epoch's sample order is a Fisher–Yates shuffle from the seeded
 * project RNG (tf's own shuffling is off). Weights are saved as float32 values in JSON and restored
 * bit for bit. Score = predicted log return; confidence = tanh(|prediction| / σ(target)).
 *
 * @example
 * const m = new LstmModel({ ...LstmModel.defaults, epochs: 3 }); await m.fit(ds, { seed: 1 });
 */
export class LstmModel implements Model {
  static readonly defaults: LstmParams = {
    lookback: 10,
    units: 16,
    epochs: 8,
    batchSize: 64,
    learningRate: 0.003,
    backend: "auto",
  };

  readonly name = "lstm";
  private net: tfTypes.Sequential | null = null;
  private weights: LstmWeights | null = null;
  private columns: readonly string[] = [];
  private featuresVersion = FEATURES_VERSION;
  private training: ModelDescription["training"] = null;
  /** Backend in use and whether it is a fallback (set on fit/load). */
  backendInfo: { backend: TfBackendName; fallback: boolean; notes: readonly string[] } | null = null;
  /** Mean training loss per epoch of the last fit. */
  lossHistory: number[] = [];

  constructor(readonly params: LstmParams = LstmModel.defaults) {
    if (params.lookback < 1 || params.units < 1 || params.epochs < 0 || params.batchSize < 1)
      throw new ModelInputError(`lstm: invalid hyper-parameters ${JSON.stringify(params)}`);
  }

  get lookback(): number {
    return this.params.lookback;
  }

  async fit(ds: ModelDataset, options: { seed: number }): Promise<void> {
    if (!Number.isInteger(options.seed)) throw new ModelInputError(`${this.name}: seed must be an integer`);
    const { tf, backend, fallback, notes } = await initTfBackend(this.params.backend);
    this.backendInfo = { backend, fallback, notes };
    const L = this.params.lookback;
    const samples = trainingSamples(ds, L);
    if (samples.length < this.params.batchSize)
      throw new ModelInputError(
        `${this.name}: ${samples.length} samples, fewer than one batch (${this.params.batchSize})`,
      );
    // standardise with training rows only (each row once, however many windows use it)
    const used: Float64Array[] = [];
    for (let a = 0; a < ds.symbols.length; a++)
      ds.rows[a]!.forEach((r, t) => {
        if (isActive(ds, a, t, t)) used.push(r);
      });
    const standardiser = fitStandardiser(used);
    const y = samples.map((s) => ds.targets[s.asset]![s.t]!);
    const ym = y.reduce((p, v) => p + v, 0) / y.length;
    const targetStd = Math.sqrt(y.reduce((p, v) => p + (v - ym) ** 2, 0) / Math.max(1, y.length - 1)) || 1;
    const F = ds.columns.length;
    const seqs = samples.map((s) => {
      const rows = ds.rows[s.asset]!;
      const out: number[][] = [];
      for (let j = s.t - L + 1; j <= s.t; j++) out.push(standardise(standardiser, rows[j]!));
      return out;
    });
    this.disposeNet();
    const net = this.build(tf, F, options.seed);
    net.compile({ optimizer: tf.train.adam(this.params.learningRate), loss: "meanSquaredError" });
    const rng = new Rng(options.seed ^ 0x5eed);
    const order = samples.map((_, i) => i);
    this.lossHistory = [];
    for (let e = 0; e < this.params.epochs; e++) {
      for (let i = order.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const xs = tf.tensor3d(
        order.map((i) => seqs[i]!),
        [order.length, L, F],
      );
      const ys = tf.tensor2d(
        order.map((i) => [y[i]! / targetStd]),
        [order.length, 1],
      );
      const h = await net.fit(xs, ys, {
        epochs: 1,
        batchSize: this.params.batchSize,
        shuffle: false,
        verbose: 0,
      });
      this.lossHistory.push(Number(h.history.loss![0]));
      xs.dispose();
      ys.dispose();
    }
    this.net = net;
    this.weights = {
      standardiser,
      targetStd,
      tensors: net.getWeights().map((w) => ({ shape: w.shape, values: Array.from(w.dataSync()) })),
      trainedOn: backend,
    };
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
    if (!this.net || !this.weights)
      throw new ModelStateError(`${this.name}: call fit() or load() before predict()`);
    const { tf } = await initTfBackend(this.params.backend);
    checkPredictInput(this.name, input, {
      featuresVersion: this.featuresVersion,
      columns: this.columns,
      lookback: this.lookback,
    });
    const w = this.weights;
    const L = this.lookback;
    const x = input.assets.map((a) =>
      a.rows.slice(a.rows.length - L).map((r) => standardise(w.standardiser, r)),
    );
    const net = this.net;
    const out = tf.tidy(
      () => net.predict(tf.tensor3d(x, [x.length, L, this.columns.length])) as tfTypes.Tensor,
    );
    const p = Array.from(await out.data());
    out.dispose();
    return input.assets.map(({ symbol }, i) => {
      const z = p[i]!;
      return { symbol, score: z * w.targetStd, confidence: Math.tanh(Math.abs(z)) };
    });
  }

  /** Flat copy of every weight value, in layer order (for determinism checks). */
  weightValues(): number[] {
    if (!this.weights) throw new ModelStateError(`${this.name}: not fitted`);
    return this.weights.tensors.flatMap((t) => t.values);
  }

  async save(dir: string): Promise<void> {
    await writeArtefact(dir, this.artefact());
  }

  static async load(dir: string, backend?: "auto" | TfBackendName): Promise<LstmModel> {
    const a = await readArtefact(dir, KIND);
    const params = { ...(a.hyperParameters as unknown as LstmParams), ...(backend ? { backend } : {}) };
    const m = new LstmModel(params);
    const { tf, backend: used, fallback, notes } = await initTfBackend(params.backend);
    m.backendInfo = { backend: used, fallback, notes };
    const w = a.weights as LstmWeights;
    const net = m.build(tf, a.columns.length, 0);
    try {
      net.setWeights(w.tensors.map((t) => tf.tensor(Float32Array.from(t.values), [...t.shape], "float32")));
    } catch (cause) {
      throw new ModelArtefactError(`${dir}: saved LSTM weights do not fit the architecture`, { cause });
    }
    m.net = net;
    m.weights = w;
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
        "Sequence model: an LSTM reads the last lookback feature rows of an asset and predicts its next-period log return (pooled across assets).",
      limitations: [
        "Reproducible bit for bit only on the backend it was trained on (WASM, CPU and native differ in rounding).",
        "Small network, few epochs, no early stopping: it can underfit, and on daily crypto returns it mostly learns the mean.",
        "Confidence is tanh of the standardised prediction, not a calibrated probability.",
      ],
      extraHyperParameters: { trainedOn: this.weights?.trainedOn },
    });
  }

  /** Releases the network's tensors. */
  dispose(): void {
    this.disposeNet();
  }

  private disposeNet(): void {
    this.net?.dispose();
    this.net = null;
  }

  private build(tf: typeof tfTypes, features: number, seed: number): tfTypes.Sequential {
    const net = tf.sequential();
    net.add(
      tf.layers.lstm({
        units: this.params.units,
        inputShape: [this.params.lookback, features],
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
        recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 1 }),
        biasInitializer: "zeros",
      }),
    );
    net.add(
      tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 2 }) }),
    );
    return net;
  }

  private artefact(): ModelArtefact {
    if (!this.weights)
      throw new ModelStateError(`${this.name}: nothing to save or hash before fit() or load()`);
    const { backend: _backend, ...hyper } = this.params;
    const base = {
      kind: KIND,
      // the backend preference is a runtime choice, not part of the model's identity
      hyperParameters: hyper,
      featuresVersion: this.featuresVersion,
      columns: this.columns,
      weights: this.weights,
    };
    return { ...base, name: this.name, training: this.training, versionHash: artefactHash(base) };
  }
}
