import { expect } from "chai";
import { bollinger } from "../../../offchain/features/bollinger.js";
import { ema } from "../../../offchain/features/ema.js";
import { FeatureInputError } from "../../../offchain/features/errors.js";
import { logReturns } from "../../../offchain/features/logReturns.js";
import { macd } from "../../../offchain/features/macd.js";
import { momentum } from "../../../offchain/features/momentum.js";
import { rollingVolatility } from "../../../offchain/features/rollingVolatility.js";
import { rsi } from "../../../offchain/features/rsi.js";
import { sma } from "../../../offchain/features/sma.js";
import { expectClose } from "../../helpers/expectClose.js";

describe("features: indicators on hand-computed cases", () => {
  it("sma: warm-up, values and the periodic exact rebuild", () => {
    const r = sma([1, 2, 3, 4, 5, 6, 7], 3);
    expect(r.validFrom).to.equal(2);
    expect(Array.from(r.values.subarray(2))).to.deep.equal([2, 3, 4, 5, 6]);
    expect(Number.isNaN(r.values[1])).to.equal(true);
    expect(sma([1, 2], 3).validFrom).to.equal(2); // too short: no valid value
  });

  it("ema: SMA seed then alpha = 2/(n+1)", () => {
    const r = ema([2, 4, 6, 8, 10], 3); // alpha 0.5; seed (2+4+6)/3 = 4
    expect(r.validFrom).to.equal(2);
    expect(Array.from(r.values.subarray(2))).to.deep.equal([4, 6, 8]); // 4+.5(8-4)=6, 6+.5(10-6)=8
  });

  it("momentum and log returns", () => {
    const m = momentum([100, 110, 121, 133.1], 2);
    expect(m.validFrom).to.equal(2);
    expectClose(m.values[2], 0.21, 1e-12);
    expectClose(m.values[3], 0.21, 1e-12);
    const l = logReturns([1, Math.E, 1]);
    expect(l.validFrom).to.equal(1);
    expectClose(l.values[1], 1, 1e-15);
    expectClose(l.values[2], -1, 1e-15);
  });

  it("rolling volatility: sample std of log returns, annualised", () => {
    // log returns of [1, e, 1, e]: [1, -1, 1]; window 2: std of [1,-1] = √2, of [-1,1] = √2
    const v = rollingVolatility([1, Math.E, 1, Math.E], 2);
    expect(v.validFrom).to.equal(2);
    expectClose(v.values[2], Math.SQRT2, 1e-12);
    expectClose(v.values[3], Math.SQRT2, 1e-12);
    const a = rollingVolatility([1, Math.E, 1, Math.E], 2, { periodsPerYear: 365 });
    expectClose(a.values[3], Math.SQRT2 * Math.sqrt(365), 1e-10);
    const flat = rollingVolatility([5, 5, 5, 5, 5], 3);
    expect(flat.values[4]).to.equal(0);
  });

  it("RSI (Wilder): hand-worked 3-period case", () => {
    // changes: +1, +1, -1 | +2 ; first avg gain 2/3, loss 1/3 → RSI 66.67
    // then gain (2/3·2 + 2)/3 = 10/9, loss (1/3·2)/3 = 2/9 → RS 5 → RSI 83.33
    const r = rsi([10, 11, 12, 11, 13], 3);
    expect(r.validFrom).to.equal(3);
    expectClose(r.values[3], 100 - 100 / 3, 1e-12);
    expectClose(r.values[4], 100 - 100 / 6, 1e-12);
    expect(rsi([1, 2, 3, 4], 3).values[3]).to.equal(100);
    expect(rsi([1, 1, 1, 1], 3).values[3]).to.equal(50);
  });

  it("MACD: warm-ups follow the slow EMA and then the signal EMA", () => {
    const x = Array.from({ length: 60 }, (_, i) => 100 + i);
    const m = macd(x);
    expect(m.macd.validFrom).to.equal(25);
    expect(m.signal.validFrom).to.equal(33);
    expect(m.histogram.validFrom).to.equal(33);
    // on a linear ramp both EMAs lag by (n-1)/2 steps: macd → (26-1)/2 - (12-1)/2 = 7
    expectClose(m.macd.values[59], 7, 1e-3);
    expectClose(m.histogram.values[59], 0, 1e-3);
  });

  it("Bollinger: population std, %b and bandwidth", () => {
    const b = bollinger([1, 2, 3, 4], 2, 2); // window [3,4]: mean 3.5, σ 0.5 → 2.5..4.5
    expect(b.upper.validFrom).to.equal(1);
    expectClose(b.middle.values[3], 3.5, 1e-12);
    expectClose(b.upper.values[3], 4.5, 1e-12);
    expectClose(b.lower.values[3], 2.5, 1e-12);
    expectClose(b.percentB.values[3], 0.75, 1e-12);
    expectClose(b.bandwidth.values[3], 2 / 3.5, 1e-12);
    expect(bollinger([2, 2, 2], 2).percentB.values[2]).to.equal(0.5);
  });

  it("bad input is a typed error, not NaN output", () => {
    expect(() => sma([1, NaN, 3], 2)).to.throw(FeatureInputError, /index 1/);
    expect(() => momentum([1, 0, 3], 1)).to.throw(FeatureInputError, /index 1/);
    expect(() => ema([1, 2, 3], 0)).to.throw(FeatureInputError, /period/);
    expect(() => rollingVolatility([1, 2, 3], 1)).to.throw(FeatureInputError, />= 2/);
    expect(() => macd([1, 2, 3], 26, 12)).to.throw(FeatureInputError, /fast/);
  });
});
