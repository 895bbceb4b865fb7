import type { OrderBookSnapshot } from "../types/market.js";
import { FeatureInputError } from "./errors.js";

/**
 * Validates a snapshot: both sides non-empty, finite positive prices and sizes, bids strictly
 * descending, asks strictly ascending, best bid below best ask. Throws `FeatureInputError`.
 */
export function checkOrderBook(book: OrderBookSnapshot): void {
  const where = `order book ${book.symbol} @ ${book.timestamp}`;
  if (book.bids.length === 0 || book.asks.length === 0)
    throw new FeatureInputError(
      `${where}: a side is empty (bids ${book.bids.length}, asks ${book.asks.length})`,
    );
  for (const [side, levels, dir] of [
    ["bids", book.bids, -1],
    ["asks", book.asks, 1],
  ] as const) {
    for (let i = 0; i < levels.length; i++) {
      const [p, q] = levels[i]!;
      if (!(Number.isFinite(p) && p > 0 && Number.isFinite(q) && q > 0))
        throw new FeatureInputError(
          `${where}: ${side}[${i}] = [${p}, ${q}] is not a positive price and size`,
        );
      if (i > 0 && (p - levels[i - 1]![0]) * dir <= 0)
        throw new FeatureInputError(
          `${where}: ${side} must be strictly ${dir < 0 ? "descending" : "ascending"} (level ${i})`,
        );
    }
  }
  if (book.bids[0]![0] >= book.asks[0]![0])
    throw new FeatureInputError(
      `${where}: crossed book (best bid ${book.bids[0]![0]} >= best ask ${book.asks[0]![0]}); drop the snapshot`,
    );
}
