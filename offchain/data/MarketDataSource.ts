import type { CandleSeries, OrderBookSnapshot, Ticker, Timeframe } from "../types/market.js";

/**
 * One interface for every market data origin (exchange via ccxt, CoinGecko, CSV files, the
 * simulator). Modes differ only in which source is wired in, never in the code that reads it.
 * Ranges are open times in ms, both ends inclusive.
 */
export interface MarketDataSource {
  /** Stable name recorded with every series, e.g. "weex", "coingecko", "csv:<dir>". */
  readonly id: string;
  fetchCandles(symbol: string, timeframe: Timeframe, since: number, until: number): Promise<CandleSeries>;
  fetchTicker(symbol: string): Promise<Ticker>;
  fetchOrderBook(symbol: string, depth?: number): Promise<OrderBookSnapshot>;
  /** Live candles: each item is the newly closed candles and/or the open one (flagged partial). */
  watchCandles?(symbol: string, timeframe: Timeframe, options?: WatchOptions): AsyncIterable<CandleSeries>;
  watchTicker?(symbol: string, options?: WatchOptions): AsyncIterable<Ticker>;
  /** Releases connections; the source is unusable afterwards. */
  close?(): Promise<void>;
}

export interface WatchOptions {
  /** Stops the iterator (and closes its subscription) when aborted. */
  readonly signal?: AbortSignal;
}
