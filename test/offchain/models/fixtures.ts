import { loadCandleCsv } from "../../../offchain/features/loadCandleCsv.js";
import { buildModelDataset } from "../../../offchain/models/buildModelDataset.js";
import type { ModelDataset } from "../../../offchain/models/ModelDataset.js";
import { Rng } from "../../../offchain/optimizer/rng.js";

let real: ModelDataset | undefined;

/** BTC, ETH, SOL, BNB daily (common grid from SOL's listing + warm-up), built once per run. */
export function realDataset(): ModelDataset {
  real ??= buildModelDataset(["BTC", "ETH", "SOL", "BNB"].map((s) => loadCandleCsv(s)));
  return real;
}

/**
 * A synthetic dataset with a planted signal: target[a][t] = 0.01·x0 + noise·ε, other columns pure
 * noise, so a model that learns anything should find x0.
 */
export function plantedDataset(
  options: { assets?: number; length?: number; noise?: number; seed?: number } = {},
): ModelDataset {
  const A = options.assets ?? 4;
  const T = options.length ?? 400;
  const rng = new Rng(options.seed ?? 5);
  const columns = ["x0", "x1", "x2"];
  const rows = Array.from({ length: A }, () =>
    Array.from({ length: T }, () => Float64Array.from(columns, () => rng.normal())),
  );
  const targets = rows.map((r) =>
    Float64Array.from(
      { length: T - 1 },
      (_, t) => 0.01 * r[t]![0]! + (options.noise ?? 0.002) * rng.normal(),
    ),
  );
  const closes = targets.map((y) => {
    const c = new Float64Array(T);
    c[0] = 100;
    for (let t = 1; t < T; t++) c[t] = c[t - 1]! * Math.exp(y[t - 1]!);
    return c;
  });
  return {
    symbols: Array.from({ length: A }, (_, a) => `A${a}/USDT`),
    columns,
    featuresVersion: "synthetic",
    timestamps: Float64Array.from({ length: T }, (_, t) => t * 86_400_000),
    rows,
    closes,
    targets,
    targetOk: new Uint8Array(T - 1).fill(1),
    dataHash: "synthetic",
  };
}
