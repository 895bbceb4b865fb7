import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MarketDataError } from "../engine/errors.js";
import type { OrderBookSnapshot } from "../types/market.js";
import type { ImpactModel } from "./ImpactModel.js";
import { dataDir } from "../data/dataDir.js";

const BOOK = "orderbook/kraken-BCH-USD-depth50-snapshots-2019-05-15.csv";
const TRADES = "orderbook/kraken-BCH-USD-trades-2019-05-16.csv";

export interface ImpactCalibration {
  readonly model: ImpactModel;
  readonly snapshots: number;
  /** Depth scale A in D(x) = A·x^γ (USD), fitted by least squares on log D vs log x. */
  readonly depthScale: number;
  /** R² of the log-log fit. */
  readonly r2: number;
  /** Daily USD volume estimated from the trade sample (volume rate × 24 h). */
  readonly estimatedDailyVolume: number;
  /** Model (half spread + depth term) vs walked-book cost, fraction of mid, for a few sizes. */
  readonly check: ReadonlyArray<{ readonly notional: number; readonly model: number; readonly book: number }>;
}

/** Reads the Kraken depth-50 snapshots into order books (one per collector timestamp). */
export function readKrakenSnapshots(dir = dataDir()): OrderBookSnapshot[] {
  const file = join(dir, BOOK);
  if (!existsSync(file))
    throw new MarketDataError(`order-book snapshots not found at ${file}`, {
      hint: "set SIGIL_DATA_DIR to the shared data folder, or pass an explicit impact model",
    });
  const books = new Map<number, { bids: [number, number][]; asks: [number, number][] }>();
  const lines = readFileSync(file, "utf8").trim().split("\n").slice(1);
  for (const line of lines) {
    const [ts, side, , price, amount] = line.split(",");
    const t = Number(ts);
    const b = books.get(t) ?? { bids: [], asks: [] };
    books.set(t, b);
    (side === "bid" ? b.bids : b.asks).push([Number(price), Number(amount)]);
  }
  return [...books.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([timestamp, b]) => ({
      symbol: "BCH/USD",
      timestamp,
      bids: b.bids.sort((x, y) => y[0] - x[0]),
      asks: b.asks.sort((x, y) => x[0] - y[0]),
    }));
}

/** Average execution cost (fraction of mid) of a market buy of `notional` USD walking the asks. */
export function walkBook(book: OrderBookSnapshot, notional: number): number {
  const mid = (book.bids[0]![0] + book.asks[0]![0]) / 2;
  let left = notional;
  let qty = 0;
  for (const [price, size] of book.asks) {
    const take = Math.min(left, price * size);
    qty += take / price;
    left -= take;
    if (left <= 0) break;
  }
  if (left > 0) return NaN; // deeper than the 50 levels we have
  return notional / qty / mid - 1;
}

/**
 * Fits the depth model to the real Kraken BCH/USD snapshots: every level of both sides gives a
 * point (distance from mid, cumulative USD depth); log D = log A + γ·log x by least squares.
 * A is then expressed per unit of daily volume using the volume rate of the trade sample, so the
 * model transfers to other assets through their own ADV.
 *
 * @example
 * const { model } = calibrateImpact(); // { exponent ≈ 1.x, depthPerAdv ≈ …, halfSpread ≈ … }
 */
export function calibrateImpact(dir = dataDir()): ImpactCalibration {
  const books = readKrakenSnapshots(dir);
  const xs: number[] = [];
  const ys: number[] = [];
  const halfSpreads: number[] = [];
  for (const b of books) {
    const mid = (b.bids[0]![0] + b.asks[0]![0]) / 2;
    halfSpreads.push((b.asks[0]![0] - b.bids[0]![0]) / 2 / mid);
    for (const side of [b.bids, b.asks]) {
      let depth = 0;
      for (const [price, size] of side) {
        depth += price * size;
        const x = Math.abs(price - mid) / mid;
        if (x > 0) {
          xs.push(Math.log(x));
          ys.push(Math.log(depth));
        }
      }
    }
  }
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  const exponent = sxy / sxx;
  const depthScale = Math.exp(my - exponent * mx);
  const r2 = (sxy * sxy) / (sxx * syy);

  const trades = readFileSync(join(dir, TRADES), "utf8").trim().split("\n").slice(1);
  let notional = 0;
  let first = Infinity;
  let last = -Infinity;
  for (const line of trades) {
    const [ts, price, amount] = line.split(",").map(Number) as [number, number, number];
    notional += price * amount;
    first = Math.min(first, ts);
    last = Math.max(last, ts);
  }
  const estimatedDailyVolume = (notional / Math.max(last - first, 60_000)) * 86_400_000;
  halfSpreads.sort((a, b) => a - b);
  const model: ImpactModel = {
    depthPerAdv: depthScale / estimatedDailyVolume,
    exponent,
    halfSpread: halfSpreads[Math.floor(halfSpreads.length / 2)]!,
    source: `kraken BCH/USD depth-50, ${books.length} snapshots 2019-05-15; log-log fit R²=${r2.toFixed(3)}`,
  };
  const check = [1_000, 10_000, 50_000, 100_000].map((size) => {
    const costs = books.map((b) => walkBook(b, size)).filter(Number.isFinite);
    const book = costs.length ? costs.reduce((a, b) => a + b, 0) / costs.length : NaN;
    const reach = Math.pow(size / depthScale, 1 / exponent);
    return { notional: size, model: model.halfSpread + (exponent / (exponent + 1)) * reach, book };
  });
  return { model, snapshots: books.length, depthScale, r2, estimatedDailyVolume, check };
}
