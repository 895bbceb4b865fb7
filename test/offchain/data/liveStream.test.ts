import { expect } from "chai";
import type { CandleSeries, Ticker } from "../../../offchain/types/market.js";
import { CcxtSource } from "../../../offchain/data/CcxtSource.js";
import { ManualClock } from "../../../offchain/data/Clock.js";
import type { WeexSimulator } from "../../../offchain/venue/weex/WeexSimulator.js";
import { H, startSimulator } from "./helpers.js";

describe("live candles and tickers over the simulator's WebSocket (ccxt.pro weex)", function () {
  const t0 = Date.UTC(2023, 5, 1, 12, 30);
  const clock = new ManualClock(t0);
  let sim: WeexSimulator;
  let src: CcxtSource;

  before(async function () {
    sim = await startSimulator(clock, { pingIntervalMs: 50 });
    src = new CcxtSource({
      apiUrls: sim.ccxtUrls(),
      clock,
      config: { enableRateLimit: false },
      random: () => 0,
    });
  });
  after(async function () {
    await src.close();
    await sim.stop();
  });

  it("streams candles, answers heartbeats, reconnects after a drop and backfills the missed candles", async function () {
    const abort = new AbortController();
    const it = src.watchCandles("ETH/USDT", "1h", { signal: abort.signal })[Symbol.asyncIterator]();
    const first = (await it.next()).value as CandleSeries;
    expect(first.candles.map((c) => c.timestamp)).to.deep.equal([t0 - 1.5 * H, t0 - 0.5 * H]);
    expect(first.flags.map((f) => f.kind)).to.deep.equal(["partial"]);
    // stay connected across several server pings (ccxt must answer PONG or the server drops us)
    await new Promise((r) => setTimeout(r, 300));
    expect(sim.ws.connectionCount()).to.equal(1);
    // the stream goes down while three hours pass; the next candles arrive after a reconnect
    const next = it.next();
    sim.ws.dropConnections();
    clock.advance(3 * H);
    const after = (await next).value as CandleSeries;
    const ts = after.candles.map((c) => c.timestamp);
    expect(ts).to.include.members([t0 - 0.5 * H, t0 + 0.5 * H, t0 + 1.5 * H, t0 + 2.5 * H]);
    expect(after.flags.filter((f) => f.kind === "gap")).to.deep.equal([]);
    abort.abort();
    expect((await it.next()).done).to.equal(true);
  });

  it("streams tickers", async function () {
    const abort = new AbortController();
    const it = src.watchTicker("ETH/USDT:USDT", { signal: abort.signal })[Symbol.asyncIterator]();
    const t = (await it.next()).value as Ticker;
    expect(t.symbol).to.equal("ETH/USDT:USDT");
    expect(t.last).to.be.a("number");
    abort.abort();
  });
});
