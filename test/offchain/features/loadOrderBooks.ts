import { readFileSync } from "node:fs";
import { join } from "node:path";
import { dataDir } from "../../../offchain/data/dataDir.js";
import type { OrderBookSnapshot } from "../../../offchain/types/market.js";

/** The Kraken BCH/USD depth-50 sample as OrderBookSnapshots (test helper until the data layer lands). */
export function loadOrderBooks(): OrderBookSnapshot[] {
  const file = join(dataDir(), "orderbook", "kraken-BCH-USD-depth50-snapshots-2019-05-15.csv");
  const lines = readFileSync(file, "utf8").trim().split("\n").slice(1);
  const books = new Map<number, { bids: [number, number, number][]; asks: [number, number, number][] }>();
  for (const line of lines) {
    const [ts, side, level, price, amount] = line.split(",");
    const t = Number(ts);
    const b = books.get(t) ?? { bids: [], asks: [] };
    books.set(t, b);
    (side === "bid" ? b.bids : b.asks).push([Number(level), Number(price), Number(amount)]);
  }
  return [...books.entries()].map(([timestamp, b]) => ({
    symbol: "BCH/USD",
    timestamp,
    bids: b.bids.sort((x, y) => x[0] - y[0]).map(([, p, q]) => [p, q] as const),
    asks: b.asks.sort((x, y) => x[0] - y[0]).map(([, p, q]) => [p, q] as const),
  }));
}
