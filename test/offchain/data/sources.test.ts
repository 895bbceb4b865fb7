import { expect } from "chai";
import { Rng } from "../../../offchain/optimizer/rng.js";
import { CcxtSource } from "../../../offchain/data/CcxtSource.js";
import { ManualClock } from "../../../offchain/data/Clock.js";
import { CoinGeckoSource } from "../../../offchain/data/CoinGeckoSource.js";
import { CsvSource } from "../../../offchain/data/CsvSource.js";
import {
  BadSymbolError,
  MalformedPayloadError,
  RateLimitedError,
  SchemaDriftError,
  SourceTimeoutError,
  SourceUnavailableError,
} from "../../../offchain/data/errors.js";
import { ResilientSource } from "../../../offchain/data/ResilientSource.js";
import type { WeexSimulator } from "../../../offchain/venue/weex/WeexSimulator.js";
import { expectClose } from "../../helpers/expectClose.js";
import { D, H, loadCandles, startSimulator } from "./helpers.js";
import { binanceStandIn, coinGeckoStandIn } from "./standIns.js";

const noThrottle = { enableRateLimit: false };

describe("market data sources", function () {
  const eth = loadCandles("1h", "ETH-USDT.csv");
  const now = Date.UTC(2023, 5, 1, 12, 30);
  const clock = new ManualClock(now);
  let sim: WeexSimulator;
  let weex: CcxtSource;

  before(async function () {
    sim = await startSimulator(clock);
    weex = new CcxtSource({ apiUrls: sim.ccxtUrls(), clock, config: noThrottle, timeoutMs: 2_000 });
  });
  after(async function () {
    await weex.close();
    await sim.stop();
  });
  afterEach(function () {
    sim.faults.clear();
    clock.set(now);
  });

  describe("CcxtSource on WEEX (simulator)", function () {
    it("pages spot history across requests and returns exactly the replayed candles", async function () {
      const from = Date.UTC(2023, 4, 1);
      const to = Date.UTC(2023, 4, 20, 23);
      const s = await weex.fetchCandles("ETH/USDT", "1h", from, to);
      const want = eth.filter((c) => c.timestamp >= from && c.timestamp <= to);
      expect(s.candles).to.deep.equal(want);
      expect(s.candles.length).to.be.greaterThan(300); // more than one 300-row page
      expect(s).to.include({ source: "weex", schemaVersion: "ohlcv/1", timeframe: "1h", symbol: "ETH/USDT" });
      expect(s.flags).to.deep.equal([]);
    });

    it("pages swap history through the historyKlines endpoint (100 per page)", async function () {
      const from = Date.UTC(2023, 4, 1);
      const to = Date.UTC(2023, 4, 10);
      const s = await weex.fetchCandles("ETH/USDT:USDT", "4h", from, to);
      expect(s.candles).to.have.length((to - from) / (4 * H) + 1);
      const first = eth.filter((c) => c.timestamp >= from && c.timestamp < from + 4 * H);
      expectClose(
        s.candles[0]!.volume,
        first.reduce((a, c) => a + c.volume, 0),
        1e-6,
      );
      expect(s.candles[0]!.high).to.equal(Math.max(...first.map((c) => c.high)));
    });

    it("flags the still-open last candle as partial and real outage gaps as gaps, never filling them", async function () {
      const partial = await weex.fetchCandles("ETH/USDT", "1h", now - 3 * H, now);
      expect(partial.flags.map((f) => f.kind)).to.deep.equal(["partial"]);
      expect(partial.flags[0]!.from).to.equal(now - 0.5 * H);
      // Binance outage 2020-02-19 12:00-16:00 (5 h) is in the shared data
      const g = await weex.fetchCandles(
        "ETH/USDT",
        "1h",
        Date.UTC(2020, 1, 19, 8),
        Date.UTC(2020, 1, 19, 20),
      );
      const gap = g.flags.find((f) => f.kind === "gap")!;
      expect(gap).to.include({ from: Date.UTC(2020, 1, 19, 12), to: Date.UTC(2020, 1, 19, 16) });
      expect(g.candles).to.have.length(13 - 5);
    });

    it("fetches tickers (swap bid/ask from the book ticker) and order books", async function () {
      const t = await weex.fetchTicker("ETH/USDT:USDT");
      expect(t.bid).to.be.lessThan(t.ask);
      expect(t.timestamp).to.equal(now);
      const ob = await weex.fetchOrderBook("ETH/USDT", 5);
      expect(ob.bids).to.have.length(5);
      expect(ob.bids[0]![0]).to.be.lessThan(ob.asks[0]![0]);
    });

    it("maps a bad symbol to BadSymbolError (fatal)", async function () {
      const e = await weex.fetchCandles("XRP/USDT", "1h", now - 5 * H, now).catch((x: unknown) => x);
      expect(e).to.be.instanceOf(BadSymbolError);
      expect((e as BadSymbolError).retryable).to.equal(false);
    });

    it("turns a truncated JSON body into MalformedPayloadError instead of data", async function () {
      sim.inject("/api/v3/market/klines", { kind: "malformed" });
      const e = await weex.fetchCandles("ETH/USDT", "1h", now - 5 * H, now).catch((x: unknown) => x);
      expect(e).to.be.instanceOf(MalformedPayloadError);
      expect((e as MalformedPayloadError).retryable).to.equal(true);
    });

    it("raises SchemaDriftError on drifted kline rows, or drops and flags them when asked", async function () {
      const drift = {
        kind: "drift" as const,
        transform: (p: unknown) => (p as unknown[][]).map((r) => ({ openTime: r[0], o: r[1] })),
      };
      sim.inject("/api/v3/market/klines", drift);
      const e = await weex.fetchCandles("ETH/USDT", "1h", now - 5 * H, now - H).catch((x: unknown) => x);
      expect(e).to.be.instanceOf(SchemaDriftError);
      expect((e as SchemaDriftError).expected).to.match(/time, open/);
      expect((e as SchemaDriftError).found).to.match(/openTime/);
      const lenient = new CcxtSource({ apiUrls: sim.ccxtUrls(), clock, config: noThrottle, onDrift: "flag" });
      sim.inject("/api/v3/market/klines", drift);
      const s = await lenient.fetchCandles("ETH/USDT", "1h", now - 5 * H, now - H);
      expect(s.candles).to.deep.equal([]);
      expect(s.flags.every((f) => f.kind === "schema-drift")).to.equal(true);
      expect(s.flags).to.have.length.greaterThan(0);
    });

    it("carries the venue's Retry-After on RateLimitedError", async function () {
      sim.inject("/api/v3/market/klines", { kind: "status", status: 429, retryAfter: "7" });
      const e = await weex.fetchCandles("ETH/USDT", "1h", now - 5 * H, now).catch((x: unknown) => x);
      expect(e).to.be.instanceOf(RateLimitedError);
      expect((e as RateLimitedError).retryAfterMs).to.equal(7000);
    });
  });

  describe("ResilientSource around the WEEX source", function () {
    const make = (opts: Partial<ConstructorParameters<typeof ResilientSource>[1]> = {}): ResilientSource => {
      const rng = new Rng(7);
      return new ResilientSource(weex, {
        clock,
        random: () => rng.next(),
        requestsPerSecond: 100,
        timeoutMs: 500,
        ...opts,
      });
    };

    it("retries 429 (waiting at least Retry-After) and 5xx, then succeeds", async function () {
      const src = make();
      const waits: number[] = [];
      const r = new ResilientSource(weex, {
        clock,
        random: () => 0.5,
        requestsPerSecond: 100,
        onRetry: (i) => waits.push(i.waitMs),
      });
      sim.inject("/api/v3/market/klines", { kind: "status", status: 429, retryAfter: "3" });
      sim.inject("/api/v3/market/klines", { kind: "status", status: 502 });
      const s = await r.fetchCandles("ETH/USDT", "1h", now - 5.5 * H, now - 1.5 * H);
      expect(s.candles).to.have.length(5);
      expect(waits[0]).to.be.at.least(3000);
      expect(waits).to.have.length(2);
      expect(src.id).to.equal("weex");
    });

    it("times out a hung request, retries, and serves the last good answer flagged stale", async function () {
      const src = make({ attempts: 2, timeoutMs: 300 });
      const good = await src.fetchCandles("ETH/USDT", "1h", now - 5 * H, now - H);
      sim.inject("/api/v3/market/klines", { kind: "hang" }, 2);
      const stale = await src.fetchCandles("ETH/USDT", "1h", now - 5 * H, now - H);
      expect(stale.candles).to.deep.equal(good.candles);
      expect(stale.flags.map((f) => f.kind)).to.deep.equal(["stale"]);
      expect(stale.flags[0]!.detail).to.match(/no answer within 300 ms/);
    });

    it("does not retry fatal errors and gives no stale cover for them", async function () {
      const src = make();
      const before = sim.faults.count("GET /api/v3/market/klines");
      sim.inject("/api/v3/market/klines", {
        kind: "status",
        status: 400,
        body: { code: -1121, msg: "Invalid symbol." },
      });
      const e = await src.fetchCandles("ETH/USDT", "1h", now - 5 * H, now - H).catch((x: unknown) => x);
      expect(e).to.be.instanceOf(BadSymbolError);
      expect(sim.faults.count("GET /api/v3/market/klines") - before).to.equal(1);
    });

    it("gives up after the attempts with the last typed error when nothing is cached", async function () {
      const src = make({ attempts: 3 });
      sim.inject("/api/v3/market/klines", { kind: "status", status: 503 }, 3);
      const e = await src.fetchCandles("ETH/USDT", "1h", now - 9 * H, now - 2 * H).catch((x: unknown) => x);
      expect(e).to.be.instanceOf(SourceUnavailableError);
    });
  });

  describe("CcxtSource on another exchange id (Binance stand-in)", function () {
    it("fetches and pages klines through ccxt's binance class with the same code", async function () {
      const daily = loadCandles("1d", "BTC-USDT.csv");
      const standIn = await binanceStandIn("BTCUSDT", "BTC", "USDT", daily, D);
      const binance = new CcxtSource({
        exchangeId: "binance",
        apiUrls: { public: `${standIn.url}/api/v3` },
        config: { ...noThrottle, options: { fetchMarkets: { types: ["spot"] } } },
        clock: new ManualClock(Date.UTC(2024, 0, 1)),
        pageLimit: 400,
      });
      try {
        const from = Date.UTC(2021, 0, 1);
        const to = Date.UTC(2022, 11, 31);
        const s = await binance.fetchCandles("BTC/USDT", "1d", from, to);
        expect(s.source).to.equal("binance");
        expect(s.candles).to.deep.equal(daily.filter((c) => c.timestamp >= from && c.timestamp <= to));
        expect(standIn.hits.get("/api/v3/klines")).to.be.at.least(2);
      } finally {
        await binance.close();
        await standIn.close();
      }
    });
  });

  describe("CoinGeckoSource (stand-in)", function () {
    it("builds daily candles (open times, volume in base units) and survives a 429 via ResilientSource", async function () {
      const daily = loadCandles("1d", "BTC-USDT.csv").filter((c) => c.timestamp >= Date.UTC(2023, 0, 1));
      const standIn = await coinGeckoStandIn("bitcoin", daily);
      const cgClock = new ManualClock(Date.UTC(2023, 11, 31, 12));
      const cg = new CoinGeckoSource({ baseUrl: standIn.url, clock: cgClock });
      const waits: number[] = [];
      const src = new ResilientSource(cg, {
        clock: cgClock,
        random: () => 0,
        onRetry: (i) => waits.push(i.waitMs),
      });
      try {
        standIn.throttle(1, "30");
        const from = Date.UTC(2023, 5, 1);
        const to = Date.UTC(2023, 5, 30);
        const s = await src.fetchCandles("BTC/USD", "1d", from, to);
        expect(waits).to.deep.equal([30_000]);
        expect(s.schemaVersion).to.equal("ohlcv-cg/1");
        expect(s.candles).to.have.length(30);
        const want = daily.find((c) => c.timestamp === from)!;
        expect(s.candles[0]).to.include({
          timestamp: from,
          open: want.open,
          high: want.high,
          close: want.close,
        });
        expectClose(s.candles[0]!.volume, want.volume, 1e-6);
        const e = await cg.fetchCandles("BTC/USD", "1h", from, to).catch((x: unknown) => x);
        expect((e as Error).message).to.match(/daily/);
      } finally {
        await standIn.close();
      }
    });

    it("reports CoinGecko's 429 as RateLimitedError with its Retry-After", async function () {
      const standIn = await coinGeckoStandIn("bitcoin", []);
      try {
        standIn.throttle(1, "12");
        const cg = new CoinGeckoSource({ baseUrl: standIn.url, clock });
        const e = await cg.fetchCandles("BTC/USD", "1d", now - 3 * D, now).catch((x: unknown) => x);
        expect(e).to.be.instanceOf(RateLimitedError);
        expect((e as RateLimitedError).retryAfterMs).to.equal(12_000);
      } finally {
        await standIn.close();
      }
    });
  });

  describe("CsvSource", function () {
    it("reads the shared files with gaps flagged, and reports a missing file as BadSymbolError", async function () {
      const csv = new CsvSource({ clock: new ManualClock(Date.UTC(2024, 0, 1)) });
      const s = await csv.fetchCandles("BTC/USDT", "1h", Date.UTC(2021, 7, 13), Date.UTC(2021, 7, 13, 23));
      expect(s.candles).to.have.length(20);
      expect(s.flags.filter((f) => f.kind === "gap")).to.have.length(1);
      expect(s.schemaVersion).to.equal("ohlcv/1");
      const e = await csv.fetchCandles("NOPE/USDT", "1h", 0, 1).catch((x: unknown) => x);
      expect(e).to.be.instanceOf(BadSymbolError);
    });
  });

  it("a hung source without retries surfaces SourceTimeoutError", async function () {
    const src = new ResilientSource(weex, { clock, random: () => 0, attempts: 1, timeoutMs: 200 });
    sim.inject("/api/v3/market/klines", { kind: "hang" });
    const e = await src.fetchCandles("ETH/USDT", "1h", now - 7 * H, now - 6 * H).catch((x: unknown) => x);
    expect(e).to.be.instanceOf(SourceTimeoutError);
  });
});
