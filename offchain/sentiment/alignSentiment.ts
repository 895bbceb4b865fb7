import type { Timeframe } from "../types/market.js";
import { TIMEFRAME_MS } from "../types/market.js";
import type { DailySentiment } from "./dailySentiment.js";
import { SentimentInputError } from "./errors.js";

const DAY_MS = 86_400_000;

/**
 * One asset's daily sentiment aligned to a candle grid without lookahead: the value for the candle
 * opening at `timestamps[i]` is the score of the latest UTC day that had ended by that candle's
 * close (day D counts once D + 24 h ≤ close). For daily candles that is the candle's own day; for
 * hourly ones the previous day. `null` where that day had no headlines (flagged upstream) or lies
 * outside the sentiment range: missing stays missing, never 0.
 *
 * @example
 * alignSentiment(dailySentiment(news, ["BTC"], from, to), btc.candles.map((c) => c.timestamp), "1d")
 */
export function alignSentiment(
  daily: readonly DailySentiment[],
  timestamps: readonly number[],
  timeframe: Timeframe,
): (number | null)[] {
  const symbols = new Set(daily.map((d) => d.symbol));
  if (symbols.size > 1)
    throw new SentimentInputError(
      `alignSentiment: pass one asset's series, got ${[...symbols].join(", ")}; filter by symbol first`,
    );
  const byDay = new Map(daily.map((d) => [d.day, d.score]));
  const tf = TIMEFRAME_MS[timeframe];
  return timestamps.map((open) => {
    const close = open + tf;
    const lastEnded = Math.floor(close / DAY_MS) * DAY_MS - DAY_MS; // start of the last day ended by `close`
    return byDay.get(lastEnded) ?? null;
  });
}
