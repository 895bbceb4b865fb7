/**
 * Engine models benchmark: feature throughput over all daily series, and LSTM training time per
 * epoch and inference latency per decision on the TensorFlow.js WASM and plain CPU backends.
 * Prints figures only (no pass/fail). Run: `npx tsx bench/engineModels.ts`.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { buildFeatureFrame } from "../offchain/features/buildFeatureFrame.js";
import { dataDir } from "../offchain/data/dataDir.js";
import { FEATURES_VERSION } from "../offchain/features/featuresVersion.js";
import { loadCandleCsv } from "../offchain/features/loadCandleCsv.js";
import { logReturns } from "../offchain/features/logReturns.js";
import { rollingCorrelation } from "../offchain/features/rollingCorrelation.js";
import { buildModelDataset } from "../offchain/models/buildModelDataset.js";
import { decisionInput } from "../offchain/models/decisionInput.js";
import { GradientBoostingModel } from "../offchain/models/GradientBoostingModel.js";
import { LstmModel } from "../offchain/models/LstmModel.js";
import { sliceDataset } from "../offchain/models/sliceDataset.js";

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// --- features -------------------------------------------------------------------------------------
const bases = readdirSync(join(dataDir(), "ohlcv", "1d"))
  .filter((f) => f.endsWith("-USDT.csv"))
  .map((f) => f.replace("-USDT.csv", ""))
  .sort();
const series = bases.map((b) => loadCandleCsv(b, "1d"));
const rows = series.reduce((s, x) => s + x.candles.length, 0);
for (const s of series) buildFeatureFrame(s); // warm-up (JIT)
const reps = 10;
let t0 = performance.now();
for (let r = 0; r < reps; r++) for (const s of series) buildFeatureFrame(s);
const featSec = (performance.now() - t0) / 1000;
console.log(`features ${FEATURES_VERSION}: ${series.length} daily series, ${rows} candles`);
console.log(
  `  standard feature frame (13 columns): ${((rows * reps) / featSec).toFixed(0)} rows/s (${((featSec / reps) * 1000).toFixed(1)} ms for all series)`,
);

// rolling 30-day correlation matrix of all assets on their common grid (from AVAX/SHIB listing on)
const common = series
  .map((s) => new Set(s.candles.map((c) => c.timestamp)))
  .reduce((a, b) => new Set([...a].filter((t) => b.has(t))));
const grid = [...common].sort((a, b) => a - b);
const rets = series.map((s) => {
  const m = new Map(s.candles.map((c) => [c.timestamp, c.close]));
  return logReturns(grid.map((t) => m.get(t)!)).values;
});
t0 = performance.now();
for (let r = 0; r < reps; r++) rollingCorrelation(rets, 30, 1);
const corrSec = (performance.now() - t0) / 1000;
console.log(
  `  rolling 30-day correlation ${series.length}×${series.length}: ${((grid.length * reps) / corrSec).toFixed(0)} grid rows/s (${grid.length} rows)`,
);

// --- models -----------------------------------------------------------------------------------------
const syms = ["BTC", "ETH", "BNB", "XRP", "ADA", "LTC", "LINK", "XLM", "TRX", "ETC"];
const ds = buildModelDataset(syms.map((s) => loadCandleCsv(s)));
const train = sliceDataset(ds, 0, 500);
const epochs = 3;
const results: Record<string, { epochMs: number; inferMs: number }> = {};
for (const backend of ["wasm", "cpu"] as const) {
  const params = { ...LstmModel.defaults, epochs, backend };
  const m = new LstmModel(params);
  t0 = performance.now();
  await m.fit(train, { seed: 1 });
  const fitMs = performance.now() - t0;
  const lat: number[] = [];
  for (let t = 500; t < 700; t++) {
    const inp = decisionInput(ds, t, m.lookback);
    const s = performance.now();
    await m.predict(inp);
    lat.push(performance.now() - s);
  }
  results[backend] = { epochMs: fitMs / epochs, inferMs: median(lat) };
  console.log(
    `LSTM on ${m.backendInfo!.backend}${m.backendInfo!.fallback ? " (fallback)" : ""}: lookback ${params.lookback}, ${params.units} units, ${syms.length} assets × ${train.timestamps.length} days ≈ ${(syms.length * (train.timestamps.length - params.lookback)).toLocaleString("en")} sequences, batch ${params.batchSize}`,
  );
  console.log(
    `  training ${(fitMs / epochs).toFixed(0)} ms/epoch (mean of ${epochs}, incl. tensor building); inference ${median(lat).toFixed(2)} ms/decision (median of ${lat.length}, ${syms.length} assets per call)`,
  );
  m.dispose();
}
console.log(
  `  CPU/WASM ratio: training ${(results.cpu!.epochMs / results.wasm!.epochMs).toFixed(2)}×, inference ${(results.cpu!.inferMs / results.wasm!.inferMs).toFixed(2)}×`,
);

const gb = new GradientBoostingModel();
t0 = performance.now();
await gb.fit(train, { seed: 1 });
console.log(
  `XGBoost (ml-xgboost WASM): fit ${(performance.now() - t0).toFixed(0)} ms on ${syms.length * 499} rows`,
);
gb.dispose();
