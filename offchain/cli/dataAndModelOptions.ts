import { CsvCandleSource } from "../backtest/CsvCandleSource.js";
import type { CandleHistorySource } from "../engine/CandleHistorySource.js";
import { MarketDataError } from "../engine/errors.js";
import { StoreCandleSource } from "../engine/StoreCandleSource.js";
import { ModelError } from "../models/errors.js";
import { loadModel } from "../models/loadModel.js";
import { modelScoreProvider } from "../strategy/modelScoreProvider.js";
import type { MovingAverageMomentumOptions } from "../strategy/movingAverageMomentum.js";
import { movingAverageMomentum } from "../strategy/movingAverageMomentum.js";
import type { ScoreProvider } from "../strategy/ScoreProvider.js";
import { DATA_QUALITY_HELP, DATA_QUALITY_OPTIONS, qualityFromFlags } from "./dataQualityOptions.js";
import { openStore } from "./openStore.js";

/** Flags shared by commands that read candles and score them: where the data is, which model. */
export const DATA_AND_MODEL_OPTIONS = {
  model: { type: "string" },
  store: { type: "string" },
  venue: { type: "string", default: "weex" },
  ...DATA_QUALITY_OPTIONS,
} as const;

export const DATA_AND_MODEL_HELP = `  --model DIR                score with a model trained by \`sigil train\` instead of the MA baseline
  --store URL [--venue V]    read candles ingested with \`sigil ingest\` (sqlite:PATH or postgres://…)
                             from venue V (default weex) instead of the shared CSV files
${DATA_QUALITY_HELP}`;

/** The candle source the flags name, and how to release it. */
export function sourceFromFlags(v: Record<string, unknown>): {
  source: CandleHistorySource;
  close(): Promise<void>;
} {
  const quality = qualityFromFlags(v);
  if (v.store === undefined)
    return { source: new CsvCandleSource(undefined, quality), close: async () => {} };
  const store = openStore(String(v.store));
  return {
    source: new StoreCandleSource(store, String(v.venue ?? "weex"), quality),
    close: () => store.close(),
  };
}

/** The score provider the flags name: a trained model, or the moving-average baseline. */
export async function providerFromFlags(
  v: Record<string, unknown>,
  ma: MovingAverageMomentumOptions,
): Promise<ScoreProvider> {
  if (v.model === undefined) return movingAverageMomentum(ma);
  try {
    return modelScoreProvider(await loadModel(String(v.model)));
  } catch (e) {
    // A missing or altered artefact is the user's to fix, not a crash.
    if (e instanceof ModelError)
      throw new MarketDataError(e.message, { hint: "train one with `sigil train --out DIR`" });
    throw e;
  }
}
