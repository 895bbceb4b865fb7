import { expect } from "chai";
import { alignSentiment } from "../../../offchain/sentiment/alignSentiment.js";
import { CsvNewsSource } from "../../../offchain/sentiment/CsvNewsSource.js";
import { dailySentiment } from "../../../offchain/sentiment/dailySentiment.js";
import { SentimentInputError } from "../../../offchain/sentiment/errors.js";
import { mapHeadlineToAssets } from "../../../offchain/sentiment/mapHeadlineToAssets.js";
import { parseCsvLine } from "../../../offchain/sentiment/parseCsvLine.js";
import { scoreHeadline } from "../../../offchain/sentiment/scoreHeadline.js";
import { SENTIMENT_VERSION } from "../../../offchain/sentiment/sentimentVersion.js";
import { expectClose } from "../../helpers/expectClose.js";

const DAY = 86_400_000;

describe("sentiment: scoring, asset mapping, daily aggregation", () => {
  it("maps names and tickers to assets without double counting", () => {
    expect(mapHeadlineToAssets("Bitcoin Cash and Ether rally")).to.deep.equal(["BCH", "ETH"]);
    expect(mapHeadlineToAssets("Ethereum Classic hit by 51% attack")).to.deep.equal(["ETC"]);
    expect(mapHeadlineToAssets("BTC, ETH and XRP: price analysis")).to.deep.equal(["BTC", "ETH", "XRP"]);
    expect(mapHeadlineToAssets("Binance lists a new token")).to.deep.equal([]); // the exchange is not BNB
    expect(mapHeadlineToAssets("Something happened")).to.deep.equal([]);
    expect(mapHeadlineToAssets("Tethered balloon ethics")).to.deep.equal([]); // no substring hits
    expect(mapHeadlineToAssets("Market update", ["SOL", "USDT"])).to.deep.equal(["SOL"]); // source tags, known assets only
  });

  it("scores: VADER on general words, market overlay on market verbs, negation flips", () => {
    expect(scoreHeadline("Bitcoin surges to a record")).to.be.above(0.3);
    expect(scoreHeadline("Bitcoin plunges after exchange hack")).to.be.below(-0.3);
    expect(scoreHeadline("Bitcoin price update")).to.equal(0);
    expect(scoreHeadline("Bitcoin did not crash")).to.be.above(0);
    // without a market word the overlay is exactly VADER: "great" (3.1) alone → 3.1/√(3.1²+15)
    expectClose(scoreHeadline("great"), 3.1 / Math.sqrt(3.1 * 3.1 + 15), 1e-3);
    expect(SENTIMENT_VERSION).to.match(/^s1-[0-9a-f]{16}$/);
  });

  it("CSV parsing handles quoted commas and doubled quotes", () => {
    expect(parseCsvLine('1,Pub,"A, ""quoted"" headline"')).to.deep.equal([
      "1",
      "Pub",
      'A, "quoted" headline',
    ]);
    expect(parseCsvLine("1,,x")).to.deep.equal(["1", "", "x"]);
    expect(() => parseCsvLine('1,P,"open')).to.throw(SentimentInputError, /unterminated/);
  });

  it("real CSV sample → per asset per day; missing days flagged, never zero", async () => {
    const src = new CsvNewsSource();
    const all = await src.fetchHeadlines({ from: 0, to: Date.UTC(2030, 0, 1) });
    expect(all.length).to.equal(2576); // README: 2576 rows
    expect(all.some((h) => h.text.includes("$200,000"))).to.equal(true); // quoted field kept whole
    const from = Date.UTC(2021, 0, 1);
    const to = Date.UTC(2021, 3, 1);
    const days = (to - from) / DAY;
    const s = dailySentiment(all, ["BTC", "ETH", "XMR"], from, to);
    expect(s.length).to.equal(3 * days);
    const btc = s.filter((d) => d.symbol === "BTC");
    const scored = btc.filter((d) => d.score !== null);
    expect(scored.length).to.be.above(20);
    for (const d of scored) expect(d.score).to.be.within(-1, 1);
    const missing = s.filter((d) => d.flag === "no-headlines");
    expect(missing.length).to.be.above(0);
    for (const d of missing) {
      expect(d.score).to.equal(null);
      expect(d.count).to.equal(0);
    }
    // recompute one scored day by hand from the raw headlines
    const d0 = scored[0]!;
    const same = all.filter(
      (h) =>
        h.timestamp >= d0.day && h.timestamp < d0.day + DAY && mapHeadlineToAssets(h.text).includes("BTC"),
    );
    expect(d0.count).to.equal(same.length);
    expectClose(d0.score!, same.reduce((a, h) => a + scoreHeadline(h.text), 0) / same.length, 1e-12);
    expect(() => dailySentiment(all, ["BTC"], from + 5, to)).to.throw(SentimentInputError, /day starts/);
  });
});

describe("sentiment: alignment to candles without lookahead", () => {
  it("daily candles get their own day; hourly candles the previous day; missing stays null", () => {
    const d0 = Date.UTC(2021, 0, 1);
    const daily = dailySentiment(
      [
        { timestamp: d0 + 8 * 3_600_000, source: "x", text: "Bitcoin surges" },
        { timestamp: d0 + 2 * DAY + 3_600_000, source: "x", text: "Bitcoin plunges" },
      ],
      ["BTC"],
      d0,
      d0 + 3 * DAY,
    );
    const s1 = daily[0]!.score!;
    const s3 = daily[2]!.score!;
    expect(s1).to.be.above(0);
    expect(alignSentiment(daily, [d0, d0 + DAY, d0 + 2 * DAY, d0 + 3 * DAY], "1d")).to.deep.equal([
      s1,
      null,
      s3,
      null,
    ]);
    // an hourly candle on day 1 closes before day 1 ends: it may only use day 0 (outside the range → null)
    const h = alignSentiment(daily, [d0 + 10 * 3_600_000, d0 + 23 * 3_600_000, d0 + DAY + 3_600_000], "1h");
    expect(h).to.deep.equal([null, s1, s1]); // the 23:00 candle closes at midnight, when day 1 has ended
    expect(() => alignSentiment(dailySentiment([], ["BTC", "ETH"], d0, d0 + DAY), [d0], "1d")).to.throw(
      SentimentInputError,
      /one asset/,
    );
  });
});
