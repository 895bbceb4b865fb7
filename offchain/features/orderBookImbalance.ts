import type { OrderBookSnapshot } from "../types/market.js";
import { checkOrderBook } from "./checkOrderBook.js";
import { FeatureInputError } from "./errors.js";

/**
 * Depth imbalance over the best `levels` levels of each side: (bid size − ask size) / (bid size + ask
 * size), in [-1, 1]; positive = more resting buy interest. Sizes are in the base asset.
 *
 * @example
 * orderBookImbalance({ symbol: "X/Y", timestamp: 0, bids: [[99, 3]], asks: [[101, 1]] }, 1) // 0.5
 */
export function orderBookImbalance(book: OrderBookSnapshot, levels = 10): number {
  if (!Number.isInteger(levels) || levels < 1)
    throw new FeatureInputError(`orderBookImbalance: levels must be a positive integer, got ${levels}`);
  checkOrderBook(book);
  let bid = 0;
  let ask = 0;
  for (let i = 0; i < Math.min(levels, book.bids.length); i++) bid += book.bids[i]![1];
  for (let i = 0; i < Math.min(levels, book.asks.length); i++) ask += book.asks[i]![1];
  return (bid - ask) / (bid + ask);
}
