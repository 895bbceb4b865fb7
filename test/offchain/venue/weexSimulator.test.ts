import { expect } from "chai";
import ccxt from "ccxt";
import type { Exchange } from "ccxt";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ManualClock } from "../../../offchain/data/Clock.js";
import { dataDir } from "../../../offchain/data/dataDir.js";
import type { WeexSimulator } from "../../../offchain/venue/weex/WeexSimulator.js";
import { H, loadCandles, startSimulator } from "../data/helpers.js";

interface FixtureCase {
  input: unknown[];
  httpResponse: unknown;
  parsedResponse: unknown;
}
const fixtures = JSON.parse(
  readFileSync(join(dataDir(), "weex", "ccxt-static-response-weex.json"), "utf8"),
) as {
  methods: Record<string, FixtureCase[]>;
};
const fixture = (method: string, i = 0): FixtureCase => fixtures.methods[method]![i]!;

/** Same keys, and the same JSON type at every key (recursively through the first array element). */
function shapeOf(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? [] : [shapeOf(v[0])];
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, shapeOf((v as Record<string, unknown>)[k])]),
    );
  }
  return v === null ? "null" : typeof v;
}
const keysOf = (v: unknown): string[] => Object.keys(v as object).sort();

describe("WeexSimulator with the real ccxt weex class", function () {
  const t0 = Date.UTC(2023, 5, 1, 12, 30);
  const clock = new ManualClock(t0);
  let sim: WeexSimulator;
  let ex: Exchange;

  before(async function () {
    sim = await startSimulator(clock);
    // the per-call cost throttle (up to 4 s for a ticker) only slows a local simulator down
    ex = new ccxt.weex({ urls: { api: sim.ccxtUrls() } as never, enableRateLimit: false });
  });
  after(async function () {
    await sim.stop();
  });

  it("loadMarkets lists spot and swap markets parsed like WEEX's", async function () {
    const markets = await ex.loadMarkets();
    expect(Object.keys(markets).sort()).to.deep.equal([
      "BTC/USDT",
      "BTC/USDT:USDT",
      "ETH/USDT",
      "ETH/USDT:USDT",
    ]);
    expect(markets["ETH/USDT"]!.precision.price).to.equal(0.01);
    expect(markets["ETH/USDT:USDT"]!.linear).to.equal(true);
    expect(markets["ETH/USDT:USDT"]!.settle).to.equal("USDT");
  });

  it("fetchTime and fetchStatus answer like the recorded responses", async function () {
    expect(await ex.fetchTime()).to.equal(t0);
    expect(await ex.fetchTime({ type: "swap" })).to.equal(t0);
    const status = await ex.fetchStatus();
    expect(keysOf(status)).to.deep.equal(keysOf(fixture("fetchStatus").parsedResponse));
    expect(status.status).to.equal("ok");
  });

  it("fetchOHLCV returns the replayed candles, the open one only partly formed", async function () {
    const eth = loadCandles("1h", "ETH-USDT.csv");
    const rows = await ex.fetchOHLCV("ETH/USDT", "1h", undefined, 3);
    const closed = eth.filter((c) => c.timestamp === t0 - 1.5 * H)[0]!;
    expect(rows[1]).to.deep.equal([
      closed.timestamp,
      closed.open,
      closed.high,
      closed.low,
      closed.close,
      closed.volume,
    ]);
    const open = eth.find((c) => c.timestamp === t0 - 0.5 * H)!;
    expect(rows[2]![0]).to.equal(open.timestamp);
    expect(rows[2]![5]).to.be.lessThan(open.volume); // half an hour of volume, not the final value
    const swap = await ex.fetchOHLCV("ETH/USDT:USDT", "4h", undefined, 2);
    expect(swap[0]![0]! % (4 * H)).to.equal(0);
  });

  it("raw kline, ticker and depth payloads have the fixtures' shapes (strings for numbers)", async function () {
    const klines = await (
      await fetch(`${sim.url}/capi/v3/market/klines?symbol=ETHUSDT&interval=1m&limit=1`)
    ).json();
    expect(klines, "1m is finer than the 1h history").to.have.property("code", -1140);
    const k = (await (
      await fetch(`${sim.url}/capi/v3/market/klines?symbol=ETHUSDT&interval=1h&limit=1`)
    ).json()) as unknown[];
    expect(shapeOf(k)).to.deep.equal(shapeOf(fixture("fetchOHLCV").httpResponse));
    const spotTicker = await (await fetch(`${sim.url}/api/v3/market/ticker/24hr?symbol=ETHUSDT`)).json();
    expect(shapeOf(spotTicker)).to.deep.equal(shapeOf(fixture("fetchTicker", 1).httpResponse));
    const swapTicker = await (await fetch(`${sim.url}/capi/v3/market/ticker/24hr?symbol=ETHUSDT`)).json();
    expect(shapeOf(swapTicker)).to.deep.equal(shapeOf(fixture("fetchTicker", 0).httpResponse));
    const depth = await (await fetch(`${sim.url}/api/v3/market/depth?symbol=ETHUSDT`)).json();
    expect(shapeOf(depth)).to.deep.equal(shapeOf(fixture("fetchOrderBook").httpResponse));
    const trades = await (await fetch(`${sim.url}/api/v3/market/trades?symbol=ETHUSDT&limit=2`)).json();
    expect(shapeOf(trades)).to.deep.equal(shapeOf(fixture("fetchTrades").httpResponse));
  });

  it("fetchTicker, fetchOrderBook and fetchTrades parse to the fixtures' unified structures", async function () {
    const spot = await ex.fetchTicker("ETH/USDT");
    expect(keysOf(spot)).to.deep.equal(keysOf(fixture("fetchTicker", 1).parsedResponse));
    expect(spot.bid!).to.be.lessThan(spot.ask!);
    expect(spot.timestamp).to.equal(t0);
    const swap = await ex.fetchTicker("ETH/USDT:USDT");
    expect(swap.markPrice).to.be.a("number");
    const ob = await ex.fetchOrderBook("ETH/USDT");
    expect(keysOf(ob)).to.deep.equal(keysOf(fixture("fetchOrderBook").parsedResponse));
    expect(ob.bids).to.have.length(15);
    expect(ob.bids[0]![0]!).to.be.lessThan(ob.asks[0]![0]!);
    const deep = await ex.fetchOrderBook("ETH/USDT", 100);
    expect(deep.asks).to.have.length(200);
    const trades = await ex.fetchTrades("ETH/USDT:USDT", undefined, 3);
    expect(trades).to.have.length(3);
    expect(keysOf(trades[0])).to.deep.equal(
      keysOf((fixture("fetchTrades", 1).parsedResponse as unknown[])[0]),
    );
  });

  it("answers an unknown symbol with WEEX's -1121, which ccxt maps to BadSymbol", async function () {
    const r = await fetch(`${sim.url}/api/v3/market/depth?symbol=NOPEUSDT`);
    expect(r.status).to.equal(400);
    expect(await r.json()).to.deep.equal({ code: -1121, msg: "Invalid symbol: NOPEUSDT" });
    let err: unknown;
    try {
      await ex.publicGetApiV3MarketDepth({ symbol: "NOPEUSDT" });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(ccxt.BadSymbol);
  });

  it("injects 429 with Retry-After and 5xx, per route and for a set number of requests", async function () {
    sim.inject("/api/v3/time", { kind: "status", status: 429, retryAfter: "2" });
    sim.inject("/api/v3/time", { kind: "status", status: 503 });
    const e1 = await ex.fetchTime().catch((e: unknown) => e);
    expect(e1).to.be.instanceOf(ccxt.RateLimitExceeded);
    expect(
      (ex as unknown as { last_response_headers: Record<string, string> }).last_response_headers[
        "Retry-After"
      ],
    ).to.equal("2");
    const e2 = await ex.fetchTime().catch((e: unknown) => e);
    expect(e2).to.be.instanceOf(ccxt.ExchangeNotAvailable);
    expect(await ex.fetchTime()).to.equal(t0);
    expect(sim.faults.count("GET /api/v3/time")).to.be.greaterThanOrEqual(3);
  });

  it("replays history: moving the clock moves the market", async function () {
    const before = await ex.fetchTicker("BTC/USDT");
    clock.advance(24 * H);
    const later = await ex.fetchTicker("BTC/USDT");
    expect(later.timestamp! - before.timestamp!).to.equal(24 * H);
    expect(later.last).to.not.equal(before.last);
    clock.set(t0);
  });
});
