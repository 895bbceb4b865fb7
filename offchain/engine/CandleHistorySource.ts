import type { CandleSeries, Timeframe } from "../types/market.js";

/**
 * A source of candle series. `kind` is a promise about side effects: an "offline" source replays
 * stored data and never touches the network; a "live" one does. Backtest wiring accepts only
 * offline sources (and disables `fetch` while it runs, in case a source lies).
 */
export interface CandleHistorySource {
  readonly name: string;
  readonly kind: "offline" | "live";
  load(timeframe: Timeframe, symbols?: readonly string[]): Promise<CandleSeries[]>;
}
