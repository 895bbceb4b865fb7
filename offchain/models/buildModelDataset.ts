import { createHash } from "node:crypto";
import { buildFeatureFrame } from "../features/buildFeatureFrame.js";
import type { CandleSeries } from "../types/market.js";
import { TIMEFRAME_MS } from "../types/market.js";
import { ModelInputError } from "./errors.js";
import { hashFloat64 } from "./hashFloat64.js";
import type { ModelDataset } from "./ModelDataset.js";

/**
 * Builds the standard feature frame of each series and aligns the valid rows on the timestamps all
 * assets share (a day missing anywhere is dropped, never filled). Targets are one-period log
 * returns; a target is marked unusable when the next grid point is not exactly one timeframe later.
 *
 * @example
 * const ds = buildModelDataset(["BTC", "ETH"].map((s) => loadCandleCsv(s)));
 */
export function buildModelDataset(series: readonly CandleSeries[]): ModelDataset {
  if (series.length === 0) throw new ModelInputError("buildModelDataset: no series given");
  const tf = series[0]!.timeframe;
  if (series.some((s) => s.timeframe !== tf))
    throw new ModelInputError("buildModelDataset: all series must share one timeframe");
  const frames = series.map((s) => buildFeatureFrame(s));
  const closeBy = series.map((s) => new Map(s.candles.map((c) => [c.timestamp, c.close])));
  let common: number[] = Array.from(frames[0]!.timestamps.subarray(frames[0]!.validFrom));
  for (const f of frames.slice(1)) {
    const ok = new Set(f.timestamps.subarray(f.validFrom));
    common = common.filter((t) => ok.has(t));
  }
  if (common.length < 2)
    throw new ModelInputError(
      `buildModelDataset: only ${common.length} timestamps where all of ${series.map((s) => s.symbol).join(", ")} have valid features`,
    );
  const timestamps = Float64Array.from(common);
  const rows = frames.map((f) => common.map((t) => f.row(f.indexOf(t))));
  const closes = closeBy.map((m) => Float64Array.from(common, (t) => m.get(t)!));
  const T = common.length;
  const targetOk = new Uint8Array(T - 1);
  for (let t = 0; t < T - 1; t++)
    targetOk[t] = timestamps[t + 1]! - timestamps[t]! === TIMEFRAME_MS[tf] ? 1 : 0;
  const targets = closes.map((c) => {
    const y = new Float64Array(T - 1);
    for (let t = 0; t < T - 1; t++) y[t] = Math.log(c[t + 1]! / c[t]!);
    return y;
  });
  const h = createHash("sha256").update(JSON.stringify(series.map((s) => s.symbol)));
  const dataHash = hashFloat64(h, [timestamps, ...closes]).digest("hex");
  return {
    symbols: series.map((s) => s.symbol),
    columns: frames[0]!.names,
    featuresVersion: frames[0]!.featuresVersion,
    timestamps,
    rows,
    closes,
    targets,
    targetOk,
    dataHash,
  };
}
