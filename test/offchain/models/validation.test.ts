import { expect } from "chai";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AssetScore, ModelVersion } from "../../../offchain/types/decision.js";
import { MaMomentumModel } from "../../../offchain/models/MaMomentumModel.js";
import type { Model, ModelDescription } from "../../../offchain/models/Model.js";
import type { ModelDataset } from "../../../offchain/models/ModelDataset.js";
import type { PredictInput } from "../../../offchain/models/PredictInput.js";
import { bootstrapCi } from "../../../offchain/models/validation/bootstrapCi.js";
import { buildModelCard } from "../../../offchain/models/validation/buildModelCard.js";
import type { DecisionDate } from "../../../offchain/models/validation/DecisionDate.js";
import { evaluatePredictions } from "../../../offchain/models/validation/evaluatePredictions.js";
import {
  directionalAccuracy,
  meanCrossSectionalIc,
  pooledIc,
} from "../../../offchain/models/validation/metrics.js";
import { monteCarloNull } from "../../../offchain/models/validation/monteCarloNull.js";
import { rankCorrelation } from "../../../offchain/models/validation/rankCorrelation.js";
import { validateAndCard } from "../../../offchain/models/validation/validateAndCard.js";
import { walkForward } from "../../../offchain/models/validation/walkForward.js";
import { GradientBoostingModel } from "../../../offchain/models/GradientBoostingModel.js";
import { writeModelCard } from "../../../offchain/models/validation/writeModelCard.js";
import { Rng } from "../../../offchain/optimizer/rng.js";
import { expectClose } from "../../helpers/expectClose.js";
import { plantedDataset, realDataset } from "./fixtures.js";

/** Records what it is shown, to prove the walk-forward never shows a model the future. */
class SpyModel implements Model {
  readonly name = "spy";
  readonly lookback = 3;
  static log: { fitLastTarget: number; predicts: { decision: number; rows: number }[] }[] = [];
  private entry = { fitLastTarget: -1, predicts: [] as { decision: number; rows: number }[] };
  async fit(ds: ModelDataset): Promise<void> {
    // the last target in the slice is realised at the close of the slice's last candle
    this.entry.fitLastTarget = ds.timestamps[ds.targets[0]!.length]!;
    SpyModel.log.push(this.entry);
  }
  async predict(input: PredictInput): Promise<AssetScore[]> {
    this.entry.predicts.push({ decision: input.timestamp, rows: input.assets[0]!.rows.length });
    return input.assets.map((a) => ({
      symbol: a.symbol,
      score: a.rows[a.rows.length - 1]![0]!,
      confidence: 1,
    }));
  }
  async save(): Promise<void> {}
  versionHash(): string {
    return "spy";
  }
  version(): ModelVersion {
    return { name: "spy", versionHash: "spy" };
  }
  modelCard(): ModelDescription {
    throw new Error("unused");
  }
}

describe("models: walk-forward validation, metrics, model cards", () => {
  it("walk-forward: folds roll by step and no model ever sees data after its decision", async () => {
    const ds = plantedDataset({ length: 120 });
    SpyModel.log = [];
    const r = await walkForward(ds, () => new SpyModel(), {
      trainWindow: 50,
      testWindow: 20,
      step: 20,
      seed: 1,
    });
    expect(r.folds.map((f) => [f.trainFrom, f.trainTo, f.testFrom, f.testTo])).to.deep.equal([
      [0, 50, 50, 70],
      [20, 70, 70, 90],
      [40, 90, 90, 110],
      [60, 110, 110, 119],
    ]);
    for (const [k, e] of SpyModel.log.entries()) {
      const f = r.folds[k]!;
      expect(e.fitLastTarget).to.equal(ds.timestamps[f.trainTo - 1]); // realised by the last training close
      expect(e.predicts.length).to.equal(f.testTo - f.testFrom);
      for (const p of e.predicts) {
        expect(p.decision).to.be.greaterThan(e.fitLastTarget); // trained only on the past
        expect(p.rows).to.equal(3);
      }
    }
    // each prediction is scored against the return *after* its decision
    const p = r.predictions.find((x) => x.t === 75 && x.symbol === "A2/USDT")!;
    expect(p.realized).to.equal(ds.targets[2]![75]);
    expect(p.score).to.equal(ds.rows[2]![75]![0]);
  });

  it("metrics on hand cases", () => {
    expectClose(rankCorrelation([1, 2, 3], [10, 30, 20]), 0.5, 1e-12);
    expectClose(rankCorrelation([1, 1, 2], [1, 2, 3]), Math.sqrt(3) / 2, 1e-12); // tie ranks 1.5, 1.5, 3
    expect(Number.isNaN(rankCorrelation([1, 1], [1, 2]))).to.equal(true);
    const dates: DecisionDate[] = [
      { timestamp: 0, scores: [1, -1, 2], realized: [0.1, 0.2, 0.3] }, // 2 of 3 right, IC 0.5
      { timestamp: 1, scores: [1, 2, 3], realized: [-0.1, -0.2, -0.3] }, // 0 of 3, IC -1
      { timestamp: 2, scores: [0, 1, 1], realized: [0.1, 0.1, 0] }, // zeros skipped: 1 of 1
    ];
    expectClose(directionalAccuracy(dates), 3 / 7, 1e-12);
    expectClose(meanCrossSectionalIc(dates.slice(0, 2)), -0.25, 1e-12);
    expect(pooledIc(dates)).to.be.within(-1, 1);
  });

  it("bootstrap and Monte Carlo: seeded, reproducible, and able to tell signal from noise", () => {
    const rng = new Rng(9);
    const mk = (signal: number): DecisionDate[] =>
      Array.from({ length: 300 }, (_, t) => {
        const realized = [rng.normal(), rng.normal(), rng.normal(), rng.normal()];
        return { timestamp: t, realized, scores: realized.map((r) => signal * r + rng.normal()) };
      });
    const good = mk(0.5);
    const noise = mk(0);
    const a = bootstrapCi(good, directionalAccuracy, { seed: 1, resamples: 300 });
    const b = bootstrapCi(good, directionalAccuracy, { seed: 1, resamples: 300 });
    expect(a).to.deep.equal(b);
    expect(a.lo).to.be.below(a.value);
    expect(a.hi).to.be.above(a.value);
    expect(a.lo).to.be.above(0.55);
    const nGood = monteCarloNull(good, meanCrossSectionalIc, { seed: 2, runs: 200 });
    const nNoise = monteCarloNull(noise, meanCrossSectionalIc, { seed: 2, runs: 200 });
    expect(nGood.p).to.be.below(0.01);
    expect(nGood.observed).to.be.above(nGood.nullHi);
    expect(nNoise.p).to.be.above(0.01);
    expect(nNoise.nullLo).to.be.below(0);
    expect(nNoise.nullHi).to.be.above(0);
  });

  it("model card: JSON and Markdown with data hash, FEATURES_VERSION, CIs and version hash", async () => {
    const ds = realDataset();
    const options = { trainWindow: 300, testWindow: 60, step: 60, seed: 4 };
    let last: Model | undefined;
    const result = await walkForward(ds, () => new MaMomentumModel(), {
      ...options,
      onFold: (_f, m) => {
        last = m;
      },
    });
    const report = evaluatePredictions(result.predictions, { seed: 4, resamples: 200, runs: 200 });
    expect(evaluatePredictions(result.predictions, { seed: 4, resamples: 200, runs: 200 })).to.deep.equal(
      report,
    );
    expect(report.decisions).to.equal(result.predictions.length);
    const card = buildModelCard(last!, { ds, options, result, report });
    const dir = await mkdtemp(join(tmpdir(), "sigil-card-"));
    try {
      await writeModelCard(dir, card);
      const json = JSON.parse(await readFile(join(dir, "model-card.json"), "utf8"));
      expect(json.versionHash).to.equal(last!.versionHash());
      expect(json.featuresVersion).to.equal(ds.featuresVersion);
      expect(json.validation.dataset.dataHash).to.equal(ds.dataHash);
      expect(json.validation.scheme.folds).to.equal(result.folds.length);
      expect(json.training.symbols).to.deep.equal(ds.symbols);
      const acc = json.validation.report.directionalAccuracy.estimate;
      expect(acc.lo).to.be.at.most(acc.value);
      expect(acc.hi).to.be.at.least(acc.value);
      const md = await readFile(join(dir, "MODEL_CARD.md"), "utf8");
      for (const s of [
        "## Purpose",
        "## Training data",
        "## Limitations",
        "directional accuracy",
        ds.featuresVersion,
        last!.versionHash(),
      ])
        expect(md).to.include(s);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("validateAndCard: final model on the latest window, artefact and card side by side, reloadable", async () => {
    const ds = realDataset();
    const dir = await mkdtemp(join(tmpdir(), "sigil-vc-"));
    try {
      const opts = { trainWindow: 400, testWindow: 120, step: 120, seed: 3, resamples: 100, runs: 100 };
      const r = await validateAndCard(ds, () => new GradientBoostingModel(), opts, dir);
      const T = ds.timestamps.length;
      expect(r.card.training!.to).to.equal(ds.timestamps[T - 1]);
      expect(r.card.training!.from).to.equal(ds.timestamps[T - 400]);
      expect(r.card.validation!.scheme.folds).to.equal(r.walkForward.folds.length);
      const loaded = await GradientBoostingModel.load(dir);
      expect(loaded.versionHash()).to.equal(r.model.versionHash());
      const json = JSON.parse(await readFile(join(dir, "model-card.json"), "utf8"));
      expect(json.versionHash).to.equal(r.model.versionHash());
      loaded.dispose();
      (r.model as GradientBoostingModel).dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
