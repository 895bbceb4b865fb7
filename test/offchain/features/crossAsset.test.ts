import { expect } from "chai";
import { bookSpread } from "../../../offchain/features/bookSpread.js";
import { FeatureInputError, FeatureRangeError } from "../../../offchain/features/errors.js";
import { loadCandleCsv } from "../../../offchain/features/loadCandleCsv.js";
import { logReturns } from "../../../offchain/features/logReturns.js";
import { orderBookImbalance } from "../../../offchain/features/orderBookImbalance.js";
import { rollingCorrelation } from "../../../offchain/features/rollingCorrelation.js";
import { expectClose } from "../../helpers/expectClose.js";
import { loadOrderBooks } from "./loadOrderBooks.js";

function pearson(a: number[], b: number[]): number {
  const n = a.length;
  const ma = a.reduce((s, x) => s + x, 0) / n;
  const mb = b.reduce((s, x) => s + x, 0) / n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}

describe("features: correlation matrix and order book", () => {
  it("rolling correlation equals direct Pearson on real BTC/ETH/SOL returns", () => {
    const syms = ["BTC", "ETH", "SOL"];
    const series = syms.map((s) => loadCandleCsv(s).candles);
    const common = series[2]!.map((c) => c.timestamp); // SOL lists last; BTC/ETH have all its days
    const closes = series.map((cs) => {
      const m = new Map(cs.map((c) => [c.timestamp, c.close]));
      return common.map((t) => m.get(t)!);
    });
    const rets = closes.map((c) => logReturns(c).values);
    const w = 30;
    const rc = rollingCorrelation(rets, w, 1);
    expect(rc.validFrom).to.equal(w);
    for (const t of [w, w + 1, 100, 517, common.length - 1]) {
      const m = rc.at(t);
      for (let a = 0; a < 3; a++)
        for (let b = 0; b < 3; b++) {
          const ref =
            a === b
              ? 1
              : pearson(
                  Array.from(rets[a]!.slice(t - w + 1, t + 1)),
                  Array.from(rets[b]!.slice(t - w + 1, t + 1)),
                );
          expectClose(m[a * 3 + b], ref, 1e-10, `t=${t} ${syms[a]}/${syms[b]}`);
        }
    }
    expect(() => rc.at(w - 1)).to.throw(FeatureRangeError);
  });

  it("constant series have correlation 0, not NaN; misaligned input is rejected", () => {
    const rc = rollingCorrelation(
      [
        [1, 1, 1, 1],
        [1, 2, 3, 5],
      ],
      3,
    );
    expect(rc.at(3)[1]).to.equal(0);
    expect(() =>
      rollingCorrelation(
        [
          [1, 2, 3],
          [1, 2],
        ],
        2,
      ),
    ).to.throw(FeatureInputError, /align/);
  });

  it("imbalance and spread: hand case and the real Kraken BCH snapshots", () => {
    const book = {
      symbol: "X/Y",
      timestamp: 0,
      bids: [
        [99, 3],
        [98, 5],
      ] as const,
      asks: [
        [101, 1],
        [102, 1],
      ] as const,
    };
    expect(orderBookImbalance(book, 1)).to.equal(0.5);
    expect(orderBookImbalance(book, 2)).to.equal(0.6);
    expect(bookSpread(book)).to.deep.equal({ spread: 2, mid: 100, relativeBps: 200 });
    const books = loadOrderBooks();
    expect(books.length).to.equal(54);
    for (const b of books) {
      const s = bookSpread(b);
      expect(s.spread).to.be.within(0.1 - 1e-9, 0.7 + 1e-9); // README: spread 0.1-0.7 USD
      const imb = orderBookImbalance(b, 10);
      expect(imb).to.be.within(-1, 1);
      let bid = 0;
      let ask = 0;
      for (let i = 0; i < 10; i++) {
        bid += b.bids[i]![1];
        ask += b.asks[i]![1];
      }
      expectClose(imb, (bid - ask) / (bid + ask), 1e-12);
    }
  });

  it("crossed or malformed books are typed errors", () => {
    const crossed = { symbol: "X/Y", timestamp: 5, bids: [[101, 1]] as const, asks: [[100, 1]] as const };
    expect(() => bookSpread(crossed)).to.throw(FeatureInputError, /crossed/);
    expect(() => orderBookImbalance({ ...crossed, bids: [] }, 5)).to.throw(FeatureInputError, /empty/);
    const unsorted = {
      symbol: "X/Y",
      timestamp: 5,
      bids: [
        [99, 1],
        [99.5, 1],
      ] as const,
      asks: [[100, 1]] as const,
    };
    expect(() => bookSpread(unsorted)).to.throw(FeatureInputError, /descending/);
  });
});
