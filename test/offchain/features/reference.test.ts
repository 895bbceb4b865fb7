import { expect } from "chai";
import { BollingerBands, EMA, MACD, RSI, SMA } from "technicalindicators";
import { bollinger } from "../../../offchain/features/bollinger.js";
import { ema, emaConvergence } from "../../../offchain/features/ema.js";
import { loadCandleCsv } from "../../../offchain/features/loadCandleCsv.js";
import { macd } from "../../../offchain/features/macd.js";
import { rollingVolatility } from "../../../offchain/features/rollingVolatility.js";
import { rsi } from "../../../offchain/features/rsi.js";
import { sma } from "../../../offchain/features/sma.js";
import type { Indicator } from "../../../offchain/features/Indicator.js";
import { expectClose } from "../../helpers/expectClose.js";

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(1, Math.abs(b));

/** `ours` from its validFrom must equal `ref` (which starts at our validFrom) within `tol` relative. */
function expectSeries(name: string, ours: Indicator, ref: readonly number[], tol: number): void {
  expect(ours.values.length - ours.validFrom, `${name}: count`).to.equal(ref.length);
  let worst = 0;
  for (let i = 0; i < ref.length; i++)
    worst = Math.max(worst, rel(ours.values[ours.validFrom + i]!, ref[i]!));
  expect(worst, `${name}: worst relative error`).to.be.at.most(tol);
}

describe("features: against the technicalindicators package on real daily data", () => {
  const closes = loadCandleCsv("BTC").candles.map((c) => c.close);
  const eth = loadCandleCsv("ETH").candles.map((c) => c.close);

  it("SMA, EMA on BTC and ETH daily closes", () => {
    for (const x of [closes, eth]) {
      for (const p of [5, 20, 50]) {
        expectSeries(`sma${p}`, sma(x, p), SMA.calculate({ period: p, values: x }), 1e-12);
        expectSeries(`ema${p}`, ema(x, p), EMA.calculate({ period: p, values: x }), 1e-12);
      }
    }
  });

  it("RSI(14) matches (reference rounds to 2 decimals)", () => {
    const ref = RSI.calculate({ period: 14, values: closes });
    const ours = rsi(closes, 14);
    expect(ours.values.length - ours.validFrom).to.equal(ref.length);
    for (let i = 0; i < ref.length; i++) expectClose(ours.values[ours.validFrom + i], ref[i]!, 0.005 + 1e-9);
  });

  it("MACD 12/26/9 line, signal and histogram", () => {
    const ref = MACD.calculate({
      values: closes,
      fastPeriod: 12,
      slowPeriod: 26,
      signalPeriod: 9,
      SimpleMAOscillator: false,
      SimpleMASignal: false,
    });
    const ours = macd(closes);
    expectSeries(
      "macd",
      ours.macd,
      ref.map((r) => r.MACD!),
      1e-9,
    );
    const sig = ref.filter((r) => r.signal !== undefined);
    expectSeries(
      "signal",
      ours.signal,
      sig.map((r) => r.signal!),
      1e-9,
    );
    expectSeries(
      "histogram",
      ours.histogram,
      sig.map((r) => r.histogram!),
      1e-9,
    );
  });

  it("Bollinger 20/2σ", () => {
    const ref = BollingerBands.calculate({ period: 20, values: closes, stdDev: 2 });
    const ours = bollinger(closes, 20, 2);
    expectSeries(
      "middle",
      ours.middle,
      ref.map((r) => r.middle),
      1e-12,
    );
    expectSeries(
      "upper",
      ours.upper,
      ref.map((r) => r.upper),
      1e-10,
    );
    expectSeries(
      "lower",
      ours.lower,
      ref.map((r) => r.lower),
      1e-10,
    );
    expectSeries(
      "pb",
      ours.percentB,
      ref.map((r) => r.pb),
      1e-7,
    );
  });

  it("rolling volatility equals a direct two-pass std at every index", () => {
    const v = rollingVolatility(closes, 20, { periodsPerYear: 365 });
    for (let t = 20; t < closes.length; t++) {
      const r: number[] = [];
      for (let j = t - 19; j <= t; j++) r.push(Math.log(closes[j]! / closes[j - 1]!));
      const m = r.reduce((s, x) => s + x, 0) / 20;
      const sd = Math.sqrt(r.reduce((s, x) => s + (x - m) ** 2, 0) / 19) * Math.sqrt(365);
      expectClose(v.values[t], sd, 1e-12 * Math.max(1, sd), `t=${t}`);
    }
  });

  it("recursive property: a short tail reproduces the long history after warm-up/convergence", () => {
    const start = 1000;
    const tail = closes.slice(start);
    const same = (name: string, long: Indicator, short: Indicator, skip: number, tol: number): void => {
      let checked = 0;
      for (let i = short.validFrom + skip; i < tail.length; i++, checked++)
        expect(rel(short.values[i]!, long.values[start + i]!), `${name} @${i}`).to.be.at.most(tol);
      expect(checked, `${name}: compared rows`).to.be.above(100);
    };
    // windowed indicators agree as soon as the tail's window is full
    same("sma20", sma(closes, 20), sma(tail, 20), 0, 1e-12);
    same("vol20", rollingVolatility(closes, 20), rollingVolatility(tail, 20), 0, 1e-9);
    same("bb.upper", bollinger(closes).upper, bollinger(tail).upper, 0, 1e-12);
    // EMA-type indicators forget their seed geometrically: documented window emaConvergence(n)
    same("ema26", ema(closes, 26), ema(tail, 26), emaConvergence(26), 1e-9);
    same("rsi14", rsi(closes, 14), rsi(tail, 14), emaConvergence(14, 1e-15, 1 / 14), 1e-9);
    const conv = emaConvergence(26) + emaConvergence(9);
    same("macd.signal", macd(closes).signal, macd(tail).signal, conv, 1e-9);
    // and before that window they really do differ (the test could fail)
    expect(rel(ema(tail, 26).values[30]!, ema(closes, 26).values[start + 30]!)).to.be.above(1e-9);
  });
});
