import type { OrderBookSnapshot } from "../types/market.js";
import { checkOrderBook } from "./checkOrderBook.js";

export interface BookSpread {
  /** Best ask − best bid, in quote currency. */
  readonly spread: number;
  /** (best bid + best ask) / 2. */
  readonly mid: number;
  /** spread / mid × 10_000. */
  readonly relativeBps: number;
}

/**
 * Top-of-book spread of a validated snapshot.
 *
 * @example
 * bookSpread({ symbol: "X/Y", timestamp: 0, bids: [[99, 1]], asks: [[101, 1]] }) // { spread: 2, mid: 100, relativeBps: 200 }
 */
export function bookSpread(book: OrderBookSnapshot): BookSpread {
  checkOrderBook(book);
  const bid = book.bids[0]![0];
  const ask = book.asks[0]![0];
  const mid = (bid + ask) / 2;
  return { spread: ask - bid, mid, relativeBps: ((ask - bid) / mid) * 10_000 };
}
