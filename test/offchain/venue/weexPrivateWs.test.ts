import { expect } from "chai";
import ccxt from "ccxt";
import type { Exchange } from "ccxt";
import { ManualClock } from "../../../offchain/data/Clock.js";
import type { WeexSimulator } from "../../../offchain/venue/weex/WeexSimulator.js";
import { expectClose } from "../../helpers/expectClose.js";
import { H } from "../data/helpers.js";
import { VAULT, rejection, startTradingSimulator, weexClient } from "./weexTradingHelpers.js";

/** Polls `cond` until it holds (a readiness wait, not a timing assertion). */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("WeexSimulator private WebSocket with the real ccxt.pro weex class", function () {
  const t0 = Date.UTC(2023, 5, 1, 12, 30);
  const clock = new ManualClock(t0);
  let sim: WeexSimulator;
  let rest: Exchange;
  let pro: Exchange;

  before(async function () {
    sim = await startTradingSimulator(() => clock.now());
    rest = weexClient(sim);
    pro = new ccxt.pro.weex({
      apiKey: VAULT.apiKey,
      secret: VAULT.secret,
      password: VAULT.passphrase,
      urls: { api: sim.ccxtUrls() } as never,
      enableRateLimit: false,
    });
    // ccxt.pro needs an http agent before it opens a plain ws:// connection
    await (pro as unknown as { loadHttpProxyAgent: () => Promise<unknown> }).loadHttpProxyAgent();
    await Promise.all([rest.loadMarkets(), pro.loadMarkets()]);
  });
  after(async function () {
    await pro.close();
    await sim.stop();
  });

  it("watchOrders, watchMyTrades and watchBalance see a market order fill", async function () {
    const orders = pro.watchOrders("ETH/USDT");
    const trades = pro.watchMyTrades("ETH/USDT");
    const balance = pro.watchBalance();
    await until(
      () =>
        sim.privateWs.subscribers("orders") > 0 &&
        sim.privateWs.subscribers("fill") > 0 &&
        sim.privateWs.subscribers("account") > 0,
      "private subscriptions",
    );
    const placed = await rest.createOrder("ETH/USDT", "market", "buy", 1, undefined, {
      clientOrderId: "ws-1",
    });
    const [o] = await orders;
    expect(o!.id).to.equal(placed.id);
    expect(o!.clientOrderId).to.equal("ws-1");
    expect(o!.status).to.equal("closed");
    expect(o!.filled).to.equal(1);
    const [t] = await trades;
    expect(t!.order).to.equal(placed.id);
    expect(t!.takerOrMaker).to.equal("taker");
    expect(t!.fee!.currency).to.equal("ETH");
    const b = await balance;
    const restBalance = await rest.fetchBalance();
    expect(b["ETH"], "the account event carries the changed ETH balance").to.not.equal(undefined);
    expectClose(b["ETH"]!.free!, restBalance["ETH"]!.free!, 1e-12);
    expectClose(b["USDT"]!.free!, restBalance["USDT"]!.free!, 1e-9);
  });

  it("a resting order's maker fill and an order whose REST answer was lost both reach the stream", async function () {
    const placed = await rest.createOrder("ETH/USDT", "limit", "buy", 0.5, 1858, { clientOrderId: "ws-2" });
    clock.set(t0 + 2.5 * H);
    const next = pro.watchMyTrades("ETH/USDT");
    sim.sync(); // the 14:00 candle trades through 1858
    const fills = await next;
    const maker = fills.filter((f) => f.order === placed.id);
    expect(maker.length).to.be.greaterThan(0);
    expect(maker[0]!.takerOrMaker).to.equal("maker");

    const lost = pro.watchOrders("ETH/USDT");
    sim.faults.inject("POST /api/v3/order", { kind: "unknownOutcome" });
    const e = await rejection(
      rest.createOrder("ETH/USDT", "market", "sell", 0.2, undefined, { clientOrderId: "ws-3" }),
    );
    expect(e).to.be.instanceOf(ccxt.NetworkError);
    const seen = await lost;
    expect(seen.map((o) => o.clientOrderId)).to.include("ws-3");
  });

  it("refuses a badly signed private connection", async function () {
    const bad = new ccxt.pro.weex({
      apiKey: VAULT.apiKey,
      secret: "wrong",
      password: VAULT.passphrase,
      urls: { api: sim.ccxtUrls() } as never,
    });
    await (bad as unknown as { loadHttpProxyAgent: () => Promise<unknown> }).loadHttpProxyAgent();
    await bad.loadMarkets();
    try {
      const e = await rejection(bad.watchOrders("ETH/USDT"));
      expect(e).to.be.instanceOf(ccxt.NetworkError);
    } finally {
      await bad.close();
    }
  });
});
