import { expect } from "chai";
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
