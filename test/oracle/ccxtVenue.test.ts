import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { expect } from "chai";
import { CcxtVenue } from "../../oracle/venue/CcxtVenue.js";

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
