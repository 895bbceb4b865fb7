import { createServer } from "node:http";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Candle } from "../../../offchain/types/market.js";

export interface StandIn {
  readonly url: string;
  /** Requests served so far, by path. */
  readonly hits: Map<string, number>;
  /** Next N requests answer 429 with this Retry-After. */
  throttle(times: number, retryAfter: string): void;
  close(): Promise<void>;
}

async function serve(
  handler: (url: URL) => { status: number; body: unknown; headers?: Record<string, string> },
): Promise<StandIn> {
  const hits = new Map<string, number>();
  let throttled = 0;
  let retryAfter = "1";
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
    if (throttled > 0) {
      throttled--;
      res.writeHead(429, { "Retry-After": retryAfter, "Content-Type": "application/json" });
      res.end(
        JSON.stringify({ status: { error_code: 429, error_message: "You've exceeded the Rate Limit." } }),
      );
      return;
    }
    const r = handler(url);
    res.writeHead(r.status, { "Content-Type": "application/json", ...r.headers });
    res.end(JSON.stringify(r.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    throttle(times, ra) {
      throttled = times;
      retryAfter = ra;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Binance spot's `/api/v3/exchangeInfo` (one symbol) and `/api/v3/klines` (Binance's 12-field rows). */
export function binanceStandIn(
  symbol: string,
  base: string,
  quote: string,
  candles: Candle[],
  tfMs: number,
): Promise<StandIn> {
  return serve((url) => {
    if (url.pathname === "/api/v3/exchangeInfo") {
      return {
        status: 200,
        body: {
          timezone: "UTC",
          serverTime: Date.now(),
          rateLimits: [],
          symbols: [
            {
              symbol,
              status: "TRADING",
              baseAsset: base,
              baseAssetPrecision: 8,
              quoteAsset: quote,
              quotePrecision: 8,
              quoteAssetPrecision: 8,
              orderTypes: ["LIMIT", "MARKET"],
              isSpotTradingAllowed: true,
              isMarginTradingAllowed: false,
              permissions: ["SPOT"],
              permissionSets: [["SPOT"]],
              filters: [
                { filterType: "PRICE_FILTER", minPrice: "0.01", maxPrice: "1000000.00", tickSize: "0.01" },
                { filterType: "LOT_SIZE", minQty: "0.00001", maxQty: "9000.00", stepSize: "0.00001" },
              ],
            },
          ],
        },
      };
    }
    if (url.pathname === "/api/v3/klines") {
      if (url.searchParams.get("symbol") !== symbol)
        return { status: 400, body: { code: -1121, msg: "Invalid symbol." } };
      const start = Number(url.searchParams.get("startTime") ?? 0);
      const end = Number(url.searchParams.get("endTime") ?? Number.MAX_SAFE_INTEGER);
      const limit = Number(url.searchParams.get("limit") ?? 500);
      const rows = candles
        .filter((c) => c.timestamp >= start && c.timestamp <= end)
        .slice(0, limit)
        .map((c) => [
          c.timestamp,
          String(c.open),
          String(c.high),
          String(c.low),
          String(c.close),
          String(c.volume),
          c.timestamp + tfMs - 1,
          "0",
          1,
          "0",
          "0",
          "0",
        ]);
      return { status: 200, body: rows };
    }
    return { status: 404, body: { code: -1, msg: "not found" } };
  });
}

/** CoinGecko's `/coins/{id}/ohlc` (close-time rows) and `/coins/{id}/market_chart/range`. */
export function coinGeckoStandIn(coin: string, daily: Candle[]): Promise<StandIn> {
  const D = 86_400_000;
  return serve((url) => {
    if (url.pathname === `/coins/${coin}/ohlc`) {
      return { status: 200, body: daily.map((c) => [c.timestamp + D, c.open, c.high, c.low, c.close]) };
    }
    if (url.pathname === `/coins/${coin}/market_chart/range`) {
      const from = Number(url.searchParams.get("from")) * 1000;
      const to = Number(url.searchParams.get("to")) * 1000;
      const days = daily.filter((c) => c.timestamp + D >= from && c.timestamp + D <= to);
      return {
        status: 200,
        body: {
          prices: days.map((c) => [c.timestamp + D, c.close]),
          market_caps: days.map((c) => [c.timestamp + D, 0]),
          total_volumes: days.map((c) => [c.timestamp + D, c.volume * c.close]),
        },
      };
    }
    return { status: 404, body: { error: "coin not found" } };
  });
}
