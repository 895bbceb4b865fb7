import { expect } from "chai";
import ccxt from "ccxt";
import type { Exchange } from "ccxt";
import { ManualClock } from "../../../offchain/data/Clock.js";
import { HeartbeatWatchdog } from "../../../offchain/execution/HeartbeatWatchdog.js";
import { WsOrderFeed } from "../../../offchain/execution/WsOrderFeed.js";
import type { WeexSimulator } from "../../../offchain/venue/weex/WeexSimulator.js";
import { startTradingSimulator, VAULT, weexClient } from "../venue/weexTradingHelpers.js";

/** Polls `cond` until it holds (a readiness wait, not a timing assertion). */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("WsOrderFeed: the simulator's private WebSocket through real ccxt.pro", function () {
  const t0 = Date.UTC(2023, 5, 1, 12, 30);
  let sim: WeexSimulator;
  let pro: Exchange;

  before(async function () {
    const clock = new ManualClock(t0);
    sim = await startTradingSimulator(() => clock.now());
    pro = new ccxt.pro.weex({
      apiKey: VAULT.apiKey,
      secret: VAULT.secret,
      password: VAULT.passphrase,
      urls: { api: sim.ccxtUrls() } as never,
      enableRateLimit: false,
    });
    await (pro as unknown as { loadHttpProxyAgent: () => Promise<unknown> }).loadHttpProxyAgent();
    await pro.loadMarkets();
  });
  after(async function () {
    await pro.close();
    await sim.stop();
  });

  it("beats on order updates and asks for a resync when the socket drops and comes back", async function () {
    const clock = new ManualClock(t0);
    const resyncs: string[] = [];
    const updates: string[] = [];
    const watchdog = new HeartbeatWatchdog({ clock, timeoutMs: 30_000, onResync: (r) => resyncs.push(r) });
    const feed = new WsOrderFeed({
      client: pro,
      symbols: ["ETH/USDT"],
      watchdog,
      clock,
      onUpdate: (s) => updates.push(s),
    });
    feed.start();
    await until(() => sim.privateWs.subscribers("orders") > 0, "subscription");
    const rest = weexClient(sim);
    await rest.createOrder("ETH/USDT", "market", "buy", 0.1, undefined, { clientOrderId: "feed1" });
    await until(() => updates.length > 0, "an order update");
    expect(resyncs).to.deep.equal([]);
    // Drop the connection from the client side, as a network failure would.
    for (const c of Object.values(
      (pro as unknown as { clients: Record<string, { connection?: { terminate(): void } }> }).clients,
    ))
      c.connection?.terminate();
    await until(() => resyncs.length > 0, "a resync request");
    expect(resyncs[0]).to.equal("websocket reconnected");
    // The server may count the dead socket for a moment: keep trading until the new one reports.
    for (let i = 2; i < 30 && resyncs.length < 2; i++) {
      await rest.createOrder("ETH/USDT", "market", "buy", 0.1, undefined, { clientOrderId: `feed${i}` });
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(resyncs.length).to.equal(2); // the first message after re-subscribing asks once more
    const stopped = feed.stop();
    await pro.close(); // ends the pending watch
    await stopped;
  });
});
