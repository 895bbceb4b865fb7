import { assert } from "chai";
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { dataDir } from "../../../offchain/data/dataDir.js";
import { DataInputError } from "../../../offchain/data/errors.js";
import { checkCandleQuality } from "../../../offchain/data/quality/checkCandleQuality.js";
import type { SourcedCandle } from "../../../offchain/data/quality/checkCandleQuality.js";
import { parseDataQualityConfig } from "../../../offchain/data/quality/DataQualityConfig.js";
import { issueCount } from "../../../offchain/data/quality/DataQualityReport.js";
import type { Candle } from "../../../offchain/types/market.js";
import { D, H, loadCandles } from "./helpers.js";

const config = parseDataQualityConfig();
const sourced = (candles: readonly Candle[]): SourcedCandle[] =>
  candles.map((candle, i) => ({ candle, row: `f.csv:${i + 2}` }));
const btc = loadCandles("1d", "BTC-USDT.csv");
const check = (rows: SourcedCandle[], c = config) => checkCandleQuality("BTC/USDT", "f.csv", rows, D, c);

describe("data quality checker", () => {
  it("passes every real file of the shared data with no spike, impossible row or disorder", () => {
    for (const tf of ["1d", "1h"] as const) {
      const folder = join(dataDir(), "ohlcv", tf);
      for (const f of readdirSync(folder).filter((x) => x.endsWith(".csv"))) {
        const candles = loadCandles(tf, f);
        const { quality } = checkCandleQuality(f, f, sourced(candles), tf === "1d" ? D : H, config);
        const { gap, ...rest } = quality.counts;
        assert.equal(
          Object.values(rest).reduce((a, b) => a + b, 0),
          0,
          `${tf}/${f}: ${JSON.stringify(rest)}`,
        );
        if (tf === "1d") assert.equal(gap, 0, f);
        assert.equal(quality.rowsKept, candles.length - quality.counts.spike);
      }
    }
  });

  it("sorts two swapped rows back and counts them; nothing is dropped", () => {
    const rows = sourced(btc);
    [rows[100], rows[110]] = [rows[110]!, rows[100]!];
    const { candles, quality } = check(rows);
    assert.deepEqual(candles, btc);
    assert.equal(quality.counts["out-of-order"], 2);
    assert.equal(quality.rowsKept, btc.length);
    assert.equal(quality.examples[0]!.action, "sorted");
  });

  it("sorts a file in reverse order into the same series", () => {
    const { candles, quality } = check(sourced([...btc].reverse()));
    assert.deepEqual(candles, btc);
    assert.equal(quality.counts["out-of-order"], btc.length - 1);
  });

  it("drops a ×100 one-bar spike (all prices, or one wick) with its row, and only that bar", () => {
    for (const fields of [["open", "high", "low", "close"], ["high"]] as const) {
      const bad = btc.map((c) => ({ ...c }));
      for (const k of fields) (bad[1500] as unknown as Record<string, number>)[k] = btc[1500]![k] * 100;
      const { candles, quality } = check(sourced(bad));
      assert.equal(quality.counts.spike, 1, fields.join());
      assert.equal(quality.examples.find((e) => e.kind === "spike")!.row, "f.csv:1502");
      assert.equal(candles.length, btc.length - 1);
      assert.notInclude(
        candles.map((c) => c.timestamp),
        btc[1500]!.timestamp,
      );
    }
  });

  it("drops zero, negative and non-finite prices and OHLC-inconsistent rows, counting each kind", () => {
    const bad = btc.map((c) => ({ ...c }));
    bad[10] = { ...bad[10]!, close: 0 };
    bad[11] = { ...bad[11]!, low: -5 };
    bad[12] = { ...bad[12]!, open: Number.NaN };
    bad[13] = { ...bad[13]!, high: bad[13]!.low / 2 }; // high < low
    bad[14] = { ...bad[14]!, close: bad[14]!.high * 1.5 }; // close above high
    bad[15] = { ...bad[15]!, volume: -1 };
    const { candles, quality } = check(sourced(bad));
    assert.equal(quality.counts["non-positive-price"], 2);
    assert.equal(quality.counts["non-finite"], 1);
    assert.equal(quality.counts["ohlc-inconsistent"], 2);
    assert.equal(quality.counts["negative-volume"], 1);
    assert.equal(candles.length, btc.length - 6);
    assert.equal(quality.rowsRead, btc.length);
  });

  it("keeps the first of duplicate timestamps and says whether the values differed", () => {
    const rows = sourced(btc);
    rows.splice(50, 0, { candle: btc[49]!, row: "f.csv:dup1" });
    rows.splice(80, 0, { candle: { ...btc[78]!, close: btc[78]!.close * 1.01 }, row: "f.csv:dup2" });
    const { candles, quality } = check(rows);
    assert.deepEqual(candles, btc);
    assert.equal(quality.counts["duplicate-timestamp"], 2);
    const details = quality.examples.filter((e) => e.kind === "duplicate-timestamp").map((e) => e.detail);
    assert.match(details[0]!, /identical/);
    assert.match(details[1]!, /different values/);
  });

  it("flags multi-day gaps above maxGapBars without filling them", () => {
    const cut = [...btc.slice(0, 300), ...btc.slice(305, 600), ...btc.slice(601)];
    const { candles, quality } = check(sourced(cut));
    assert.equal(quality.counts.gap, 1, "the 5-day hole; the 1-day one is within maxGapBars = 1");
    assert.lengthOf(candles, cut.length);
    const strictGaps = check(sourced(cut), parseDataQualityConfig({ maxGapBars: 0 }));
    assert.equal(strictGaps.quality.counts.gap, 2);
    assert.equal(issueCount(check(sourced(btc)).quality), 0);
  });

  it("refuses unknown settings and out-of-range thresholds; the config is frozen", () => {
    assert.throws(() => parseDataQualityConfig({ maxGap: 3 }), DataInputError, /unknown/);
    assert.throws(() => parseDataQualityConfig({ maxGapBars: -1 }), DataInputError);
    assert.throws(() => parseDataQualityConfig({ spikeLogMove: Number.NaN }), DataInputError);
    assert.throws(() => parseDataQualityConfig({ staleAfterBars: 0 }), DataInputError);
    assert.isTrue(Object.isFrozen(parseDataQualityConfig()));
  });
});
