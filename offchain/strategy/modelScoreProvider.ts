import { FEATURES_VERSION } from "../features/featuresVersion.js";
import { buildModelDataset } from "../models/buildModelDataset.js";
import { decisionInput } from "../models/decisionInput.js";
import type { Model } from "../models/Model.js";
import type { AssetScore } from "../types/decision.js";
import type { CandleSeries } from "../types/market.js";
import type { MarketHistory, ScoreProvider } from "./ScoreProvider.js";

/**
 * Bars of history fed to the features: EMA-type columns (EMA12, MACD) are seeded at the first bar
 * and converge to within 1e-9 after about 450 bars (docs/models.md), so a shorter window would make
 * live decisions disagree with a backtest that saw more history (the recursive check).
 */
export const FEATURE_HISTORY_BARS = 500;

/**
 * A trained model as the strategy's score provider: history → features (FEATURES_VERSION) → the
 * model's per-asset scores. Only symbols whose last candle is the decision's are scored, so no
 * asset is scored on stale data.
 *
 * @example
 * const provider = modelScoreProvider(await loadModel("artefacts/xgb-1d"));
 */
export function modelScoreProvider(model: Model, historyBars = FEATURE_HISTORY_BARS): ScoreProvider {
  return {
    model: model.version(),
    featuresVersion: FEATURES_VERSION,
    lookback: historyBars + model.lookback,
    async score(history: MarketHistory): Promise<AssetScore[]> {
      const lastOpen = (s: string) => history.candles[s]?.at(-1)?.timestamp ?? -1;
      const latest = Math.max(-1, ...history.symbols.map(lastOpen));
      const series: CandleSeries[] = history.symbols
        .filter((s) => lastOpen(s) === latest && (history.candles[s]?.length ?? 0) > model.lookback)
        .map((symbol) => ({
          symbol,
          timeframe: history.timeframe,
          source: "history",
          schemaVersion: "ohlcv/1",
          candles: history.candles[symbol]!,
          flags: [],
        }));
      if (series.length === 0) return [];
      const ds = buildModelDataset(series);
      const t = ds.timestamps.length - 1;
      if (t < model.lookback - 1 || ds.timestamps[t] !== latest) return [];
      return model.predict(decisionInput(ds, t, model.lookback));
    },
  };
}
