import { createHash } from "node:crypto";
import { buildFeatureFrame } from "../features/buildFeatureFrame.js";
import type { CandleSeries } from "../types/market.js";
import { TIMEFRAME_MS } from "../types/market.js";
import { ModelInputError } from "./errors.js";
import { hashFloat64 } from "./hashFloat64.js";
import type { ModelDataset } from "./ModelDataset.js";

export interface BuildModelDatasetOptions {
  /**
   * "common" (default): the grid is the timestamps every asset shares, so one asset that stops
   * (or lists late) cuts everyone's data — right for one decision over assets trading now.
   * "each": the grid is every timestamp any asset has; each asset contributes its own trading span
   * (`active` marks it) — what training over assets that list and stop at different times needs.
   */
  readonly span?: "common" | "each";
}

/**
 * Builds the standard feature frame of each series and aligns the valid rows on one time grid
 * (see `span`; a day missing is never filled). Targets are one-period log returns; a target is
 * marked unusable when the next grid point is not exactly one timeframe later.
 *
 * @example
 * const ds = buildModelDataset(["BTC", "ETH"].map((s) => loadCandleCsv(s)));
 */
export function buildModelDataset(
  series: readonly CandleSeries[],
  options: BuildModelDatasetOptions = {},
): ModelDataset {
  if (series.length === 0) throw new ModelInputError("buildModelDataset: no series given");
  const tf = series[0]!.timeframe;
  if (series.some((s) => s.timeframe !== tf))
    throw new ModelInputError("buildModelDataset: all series must share one timeframe");
  const frames = series.map((s) => buildFeatureFrame(s));
  const closeBy = series.map((s) => new Map(s.candles.map((c) => [c.timestamp, c.close])));
  const each = options.span === "each";
  const validSets = frames.map((f) => new Set(f.timestamps.subarray(f.validFrom)));
  let common: number[];
  if (each) common = [...new Set(validSets.flatMap((v) => [...v]))].sort((a, b) => a - b);
  else {
    common = Array.from(frames[0]!.timestamps.subarray(frames[0]!.validFrom));
    for (const ok of validSets.slice(1)) common = common.filter((t) => ok.has(t));
  }
  if (common.length < 2)
    throw new ModelInputError(
      `buildModelDataset: only ${common.length} timestamps where ${each ? "any" : "all"} of ${series.map((s) => s.symbol).join(", ")} have valid features`,
    );
  const timestamps = Float64Array.from(common);
  const active = validSets.map((ok) => Uint8Array.from(common, (t) => (ok.has(t) ? 1 : 0)));
  const width = frames[0]!.names.length;
  const rows = frames.map((f, a) =>
    common.map((t, i) => (active[a]![i] ? f.row(f.indexOf(t)) : new Float64Array(width))),
  );
  const closes = closeBy.map((m, a) => Float64Array.from(common, (t, i) => (active[a]![i] ? m.get(t)! : 0)));
  const T = common.length;
  const targetOk = new Uint8Array(T - 1);
  for (let t = 0; t < T - 1; t++)
    targetOk[t] = timestamps[t + 1]! - timestamps[t]! === TIMEFRAME_MS[tf] ? 1 : 0;
  const targets = closes.map((c) => {
    const y = new Float64Array(T - 1);
    for (let t = 0; t < T - 1; t++) y[t] = c[t]! > 0 && c[t + 1]! > 0 ? Math.log(c[t + 1]! / c[t]!) : 0;
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
    ...(each ? { active } : {}),
    dataHash,
  };
}
