import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "chai";
import { ManualClock } from "../../offchain/data/Clock.js";
import { wirePaper } from "../../offchain/engine/wiring.js";
import { AssetList } from "../../offchain/execution/AssetList.js";
import { orderRef } from "../../offchain/execution/clientOrderId.js";
import { executionLimits } from "../../offchain/execution/ExecutionLimits.js";
import { InMemoryReportSink } from "../../offchain/execution/InMemoryReportSink.js";
import { InMemorySignalSource } from "../../offchain/execution/InMemorySignalSource.js";
import { StaticKillLevel } from "../../offchain/execution/KillLevelSource.js";
import { VenueCredentials } from "../../offchain/execution/VenueCredentials.js";
import type { Fill } from "../../offchain/protocol/reportTypes.js";
import { packTargets } from "../../offchain/protocol/targets.js";
import type { WeexSimulator } from "../../offchain/venue/weex/WeexSimulator.js";
import { matchOrderTrades } from "../../oracle/checks/matchOrderTrades.js";
import { CcxtVenue } from "../../oracle/venue/CcxtVenue.js";
import { JsonFileVenue } from "../../oracle/venue/JsonFileVenue.js";
import type { VenueFill } from "../../oracle/venue/VenueFillsSource.js";
import { ETH, startTradingSimulator, VAULT } from "../offchain/venue/weexTradingHelpers.js";

/** Just enough of Binance's REST API (spot) for ccxt to load one market, a ticker and a balance. */
function fakeBinance(hits: string[]): Server {
  return createServer((req, res) => {
    const url = req.url ?? "";
    hits.push(url.split("?")[0]!);
    res.setHeader("content-type", "application/json");
    if (url.startsWith("/api/v3/exchangeInfo")) {
      res.end(
        JSON.stringify({
          timezone: "UTC",
          serverTime: Date.now(),
          symbols: [
            {
              symbol: "BTCUSDT",
              status: "TRADING",
              baseAsset: "BTC",
              quoteAsset: "USDT",
              baseAssetPrecision: 8,
              quotePrecision: 8,
              quoteAssetPrecision: 8,
              orderTypes: ["LIMIT", "MARKET"],
              isSpotTradingAllowed: true,
              permissions: ["SPOT"],
              filters: [
                { filterType: "PRICE_FILTER", minPrice: "0.01", maxPrice: "1000000", tickSize: "0.01" },
                { filterType: "LOT_SIZE", minQty: "0.00001", maxQty: "9000", stepSize: "0.00001" },
              ],
            },
          ],
        }),
      );
    } else if (url.startsWith("/api/v3/ticker/24hr")) {
      res.end(JSON.stringify({ symbol: "BTCUSDT", lastPrice: "42000.12", closeTime: Date.now(), count: 1 }));
    } else if (url.startsWith("/api/v3/account")) {
      res.end(JSON.stringify({ balances: [{ asset: "USDT", free: "1234.5", locked: "10" }] }));
    } else if (url.startsWith("/sapi/")) {
      res.end("[]"); // currency and wallet metadata ccxt loads with credentials
    } else {
      res.statusCode = 404;
      res.end("{}");
    }
  });
}

describe("ccxt venue source", function () {
  this.timeout(30_000);
  let server: Server;
  let venue: CcxtVenue;
  const hits: string[] = [];

  before(async () => {
    server = fakeBinance(hits);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    venue = new CcxtVenue({
      exchange: "binance",
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      symbols: { "0": "BTC/USDT" },
      quoteCurrency: "USDT",
      assetDecimals: 6,
      apiKey: "test-key",
      secret: "test-secret",
      exchangeOptions: { fetchMarkets: { types: ["spot"] } },
    });
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it("reads the last price through the configured base URL, as an 8-decimal integer", async () => {
    expect(await venue.lastPriceE8(0)).to.equal(4_200_012_000_000n);
    expect(hits).to.include("/api/v3/ticker/24hr");
  });

  it("reads equity in the quote currency, in the vault asset's decimals", async () => {
    expect(await venue.equity()).to.equal(1_244_500_000n);
  });

  it("refuses an asset without a configured symbol", async () => {
    let err: unknown;
    await venue.lastPriceE8(5).catch((e: unknown) => (err = e));
    expect(String(err)).to.match(/no venue symbol/);
  });
});

describe("ccxt venue source: WEEX trades of an order (real ccxt weex class against the simulator)", function () {
  this.timeout(60_000);
  const T0 = Date.UTC(2023, 5, 1, 12, 30);
  const clock = new ManualClock(T0);
  let sim: WeexSimulator;
  let dir: string;
  let venue: CcxtVenue;

  before(async () => {
    // A shallow book: a market order of a few ETH walks many 0.25 ETH levels, one trade per level.
    sim = await startTradingSimulator(() => clock.now(), { markets: [{ ...ETH, levelSize: 0.25 }] });
    dir = mkdtempSync(join(tmpdir(), "sigil-oracle-weex-"));
    venue = new CcxtVenue({
      exchange: "weex",
      baseUrl: sim.url,
      symbols: { "0": "ETH/USDT" },
      quoteCurrency: "USDT",
      assetDecimals: 6,
      apiKey: VAULT.apiKey,
      secret: VAULT.secret,
      password: VAULT.passphrase,
      exchangeOptions: { defaultType: "spot" },
    });
  });
  after(async () => {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const shape = (f: Pick<Fill, "asset" | "quantityE8" | "priceE8" | "feeE8" | "timestamp">) => ({
    asset: f.asset,
    quantityE8: f.quantityE8,
    priceE8: f.priceE8,
    feeE8: f.feeE8,
    timestamp: f.timestamp,
  });
  const byPrice = (a: { priceE8: bigint }, b: { priceE8: bigint }) =>
    a.priceE8 < b.priceE8 ? -1 : a.priceE8 > b.priceE8 ? 1 : 0;

  it("returns every trade of a market order that walked the book, equal to the fills the engine reports", async () => {
    const signals = new InMemorySignalSource();
    const sink = new InMemoryReportSink();
    const w = wirePaper({
      dataDir: dir,
      assets: new AssetList([{ index: 0, symbol: "ETH/USDT" }]),
      signals: () => signals,
      killLevel: new StaticKillLevel(),
      limits: executionLimits({ maxOrderNotional: 50_000, maxAssetNotional: 100_000 }),
      namespace: "sgo",
      reports: sink,
      clock,
      urls: sim.ccxtUrls() as unknown as Record<string, unknown>,
      credentials: new VenueCredentials("trading", {
        apiKey: VAULT.apiKey,
        secret: VAULT.secret,
        password: VAULT.passphrase,
      }),
      replay: true,
    });
    try {
      // A buy (WEEX charges its fee in ETH, the engine reports it in USDT) and then a sell.
      signals.push({ sequence: 1, targets: packTargets([[0, 3_000]]), timestamp: T0 / 1000 });
      await w.engine.tick();
      clock.advance(61_000);
      signals.push({ sequence: 2, targets: packTargets([[0, 500]]), timestamp: clock.now() / 1000 });
      await w.engine.tick();

      const orders = w.store.allOrders().filter((o) => o.venueOrderId !== null);
      expect(orders.map((o) => o.side)).to.deep.equal(["buy", "sell"]);
      const reported = sink.executions.flatMap((e) => e.fills);
      for (const order of orders) {
        const trades = await venue.tradesForOrder(order.venueOrderId!, 0);
        expect(trades.length, order.side).to.be.greaterThan(2);
        expect(new Set(trades.map((t) => t.priceE8)).size, "one trade per book level").to.equal(
          trades.length,
        );
        for (const t of trades) {
          expect(t.venueOrderId).to.equal(order.venueOrderId);
          expect(t.clientOrderId).to.equal(order.clientOrderId);
          expect(t.quantityE8 > 0n).to.equal(order.side === "buy");
        }
        // Field for field what the engine's own ccxt venue read and reported for the same order.
        const ref = orderRef(order.clientOrderId);
        const fills = reported.filter((f) => f.orderRef === ref);
        expect(fills.map(shape).sort(byPrice), order.side).to.deep.equal(trades.map(shape).sort(byPrice));
        const claims = fills.map((fill, index) => ({ index, clientOrderId: order.clientOrderId, fill }));
        expect(matchOrderTrades(claims, trades)).to.equal(null);
        // The fee of the buy was charged in ETH and converted at each trade's price.
        if (order.side === "buy") expect(trades.every((t) => t.feeE8 > 10n ** 6n)).to.equal(true);
      }
    } finally {
      await w.close();
    }
  });

  it("returns [] for an order the venue does not know", async () => {
    expect(await venue.tradesForOrder("123456789", 0)).to.deep.equal([] as VenueFill[]);
  });

  it("sums custody transfers from the account's bills across pages, as the engine's venue does", async () => {
    // 130 credits and 120 debits (more than a 100-bill page each), at distinct and repeated times.
    let credited = 0n;
    let debited = 0n;
    for (let i = 0; i < 130; i++) {
      const amount = 1_000 + i; // USDT
      sim.credit(VAULT.name, "USDT", `${amount}.25`, `0xin${i}`);
      credited += BigInt(amount) * 1_000_000n + 250_000n;
      if (i < 120) {
        sim.debit(VAULT.name, "USDT", `${i + 1}.5`, `0xout${i}`);
        debited += BigInt(i + 1) * 1_000_000n + 500_000n;
      }
      if (i % 3 === 0) clock.advance(1_000);
    }
    expect(await venue.custody()).to.deep.equal({ credited, debited });
    const w = wirePaper({
      dataDir: dir,
      assets: new AssetList([{ index: 0, symbol: "ETH/USDT" }]),
      signals: () => new InMemorySignalSource(),
      killLevel: new StaticKillLevel(),
      limits: executionLimits({ maxOrderNotional: 50_000, maxAssetNotional: 100_000 }),
      namespace: "sgc",
      reports: new InMemoryReportSink(),
      clock,
      urls: sim.ccxtUrls() as unknown as Record<string, unknown>,
      credentials: new VenueCredentials("trading", {
        apiKey: VAULT.apiKey,
        secret: VAULT.secret,
        password: VAULT.passphrase,
      }),
      replay: true,
    });
    try {
      const engineView = await w.venue.fetchCustodyTotals();
      expect(BigInt(Math.round(engineView.credited * 1e6))).to.equal(credited);
      expect(BigInt(Math.round(engineView.debited * 1e6))).to.equal(debited);
    } finally {
      await w.close();
    }
  });
});

describe("file venue source", function () {
  it("returns every entry of an order on the asset (one per simulator trade)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sigil-venue-file-"));
    try {
      const entry = (venueOrderId: string, asset: number, quantityE8: string) => ({
        venueOrderId,
        clientOrderId: `c-${venueOrderId}`,
        asset,
        quantityE8,
        priceE8: "10000000000",
        feeE8: "1000",
        timestamp: "1700000000",
      });
      const path = join(dir, "venue.json");
      writeFileSync(
        path,
        JSON.stringify({
          prices: { "0": "10000000000" },
          fills: [entry("1", 0, "100"), entry("2", 0, "50"), entry("1", 0, "200"), entry("1", 1, "7")],
          equity: "0",
          custody: { credited: "0", debited: "0" },
        }),
      );
      const venue = new JsonFileVenue(path);
      expect((await venue.tradesForOrder("1", 0)).map((t) => t.quantityE8)).to.deep.equal([100n, 200n]);
      expect(await venue.tradesForOrder("3", 0)).to.deep.equal([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
