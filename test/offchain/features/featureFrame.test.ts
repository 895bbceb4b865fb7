import { expect } from "chai";
import { buildFeatureFrame } from "../../../offchain/features/buildFeatureFrame.js";
import { FeatureError, FeatureRangeError } from "../../../offchain/features/errors.js";
import { FeatureFrame } from "../../../offchain/features/FeatureFrame.js";
import { FEATURE_NAMES } from "../../../offchain/features/featureSet.js";
import { FEATURES_VERSION } from "../../../offchain/features/featuresVersion.js";
import { loadCandleCsv } from "../../../offchain/features/loadCandleCsv.js";
import type { CandleSeries } from "../../../offchain/types/market.js";

describe("features: FeatureFrame and the standard feature set", () => {
  const btc = loadCandleCsv("BTC");

  it("FEATURES_VERSION is a revision plus a content hash, stable across imports", async () => {
    expect(FEATURES_VERSION).to.match(/^f1-[0-9a-f]{16}$/);
    const again = await import("../../../offchain/features/featuresVersion.js");
    expect(again.FEATURES_VERSION).to.equal(FEATURES_VERSION);
  });

  it("valid rows only: no NaN anywhere a consumer can reach, warm-up explicit", () => {
    const f = buildFeatureFrame(btc);
    expect(f.names).to.deep.equal(FEATURE_NAMES);
    expect(f.validFrom).to.equal(49); // SMA(50) is the longest warm-up
    expect(f.featuresVersion).to.equal(FEATURES_VERSION);
    const { rows, timestamps, offset } = f.validRows();
    expect(offset).to.equal(49);
    expect(rows.length).to.equal(btc.candles.length - 49);
    expect(timestamps[0]).to.equal(btc.candles[49]!.timestamp);
    for (const r of rows) for (const v of r) expect(Number.isFinite(v)).to.equal(true);
    expect(() => f.row(48)).to.throw(FeatureRangeError, /49/);
    expect(f.column("rsi14").length).to.equal(rows.length);
  });

  it("no lookahead: the frame of a truncated history equals the full frame on shared rows", () => {
    const full = buildFeatureFrame(btc);
    const cut = 700;
    const part = buildFeatureFrame({ ...btc, candles: btc.candles.slice(0, cut) });
    for (let t = part.validFrom; t < cut; t++)
      expect(Array.from(part.row(t))).to.deep.equal(Array.from(full.row(t)));
  });

  it("a column that produces NaN after its warm-up is caught at construction", () => {
    const ts = new Float64Array([1, 2, 3]);
    const bad = { name: "x", values: new Float64Array([NaN, 1, NaN]), validFrom: 1 };
    expect(() => new FeatureFrame("X/Y", ts, [bad], "v")).to.throw(FeatureError, /index 2/);
  });

  it("rejects unsorted candles", () => {
    const s: CandleSeries = {
      ...btc,
      candles: [btc.candles[1]!, btc.candles[0]!, ...btc.candles.slice(2, 80)],
    };
    expect(() => buildFeatureFrame(s)).to.throw(/strictly increasing/);
  });
});
