import type { MarketState, SimCandle, SimMarket } from "./MarketState.js";
import type { Route, RouteRequest } from "./RouteTable.js";
import { decimalString, toStep } from "./decimalString.js";
import { invalidParam, paramEmpty } from "./WeexApiError.js";

/** WEEX kline intervals the simulator serves (weekly/monthly need calendar anchoring: not yet). */
export const INTERVAL_MS: Readonly<Record<string, number>> = {
  "1m": 60_000,
  "5m": 300_000,
  "15m": 900_000,
  "30m": 1_800_000,
  "1h": 3_600_000,
  "2h": 7_200_000,
  "4h": 14_400_000,
  "6h": 21_600_000,
  "8h": 28_800_000,
  "12h": 43_200_000,
  "1d": 86_400_000,
};

type Kind = "spot" | "swap";

/**
 * The public market endpoints ccxt's `weex` class calls, spot (`/api/v3/...`) and USDT-margined
 * contract (`/capi/v3/...`), with the payload shapes of ccxt's recorded WEEX responses: numbers
 * as decimal strings, kline rows of 11 fields, single-symbol spot tickers as an object and
 * contract tickers as a one-element array.
 */
export function publicMarketRoutes(state: MarketState): Route[] {
  const get = (path: string, handler: (req: RouteRequest) => unknown): Route => ({
    method: "GET",
    path,
    handler,
  });
  const time = (): unknown => ({ serverTime: state.now() });
  const symbolParam = (req: RouteRequest): string | undefined => req.query.get("symbol") ?? undefined;

  const klines =
    (kind: Kind, maxLimit: number, opts: { requireRange?: boolean; zeroVolume?: boolean } = {}) =>
    (req: RouteRequest): unknown => {
      const m = state.market(requireParam(req, "symbol"), kind);
      const interval = requireParam(req, "interval");
      const intervalMs = INTERVAL_MS[interval];
      if (intervalMs === undefined) throw invalidParam(`Invalid interval: ${interval}`);
      const limit = intParam(req, "limit", 100, 1, maxLimit);
      const startTime = optionalInt(req, "startTime");
      const endTime = optionalInt(req, "endTime");
      if (opts.requireRange && (startTime === undefined || endTime === undefined))
        throw paramEmpty("startTime/endTime");
      if (startTime !== undefined && endTime !== undefined && startTime > endTime) {
        throw invalidParam("startTime cannot be greater than endTime.");
      }
      const q = {
        intervalMs,
        limit,
        ...(startTime === undefined ? {} : { startTime }),
        ...(endTime === undefined ? {} : { endTime }),
      };
      return state.klines(m.id, q).map((c) => klineRow(c, m, opts.zeroVolume === true));
    };

  const ticker24 =
    (kind: Kind) =>
    (req: RouteRequest): unknown => {
      const id = symbolParam(req);
      if (id !== undefined) {
        const m = state.market(id, kind);
        // the recorded single-symbol answers carry times and counts as strings
        const t = tickerPayload(state, m, kind, true);
        return kind === "spot" ? t : [t];
      }
      return listed(state, kind).map((m) => tickerPayload(state, m, kind, false));
    };

  const bookTicker =
    (kind: Kind) =>
    (req: RouteRequest): unknown => {
      const id = symbolParam(req);
      const one = (m: SimMarket): unknown => {
        const t = state.ticker24h(m.id);
        return {
          symbol: m.id,
          bidPrice: toStep(t.bid, m.tickSize),
          bidQty: toStep(t.bidQty, m.stepSize),
          askPrice: toStep(t.ask, m.tickSize),
          askQty: toStep(t.askQty, m.stepSize),
          time: state.now(),
        };
      };
      if (id !== undefined) {
        const row = one(state.market(id, kind));
        return kind === "spot" ? row : [row];
      }
      return listed(state, kind).map(one);
    };

  const depth =
    (kind: Kind) =>
    (req: RouteRequest): unknown => {
      const m = state.market(requireParam(req, "symbol"), kind);
      const limit = intParam(req, "limit", 15, 1, 200);
      const book = state.depth(m.id, limit);
      const side = (levels: [number, number][]): string[][] =>
        levels.map(([p, q]) => [toStep(p, m.tickSize), toStep(q, m.stepSize)]);
      return { lastUpdateId: String(book.updateId), bids: side(book.bids), asks: side(book.asks) };
    };

  const trades =
    (kind: Kind) =>
    (req: RouteRequest): unknown => {
      const m = state.market(requireParam(req, "symbol"), kind);
      const limit = intParam(req, "limit", 100, 1, 1000);
      return state.trades(m.id, limit).map((t) => ({
        id: t.id,
        price: toStep(t.price, m.tickSize),
        qty: toStep(t.qty, m.stepSize),
        quoteQty: decimalString(Number((t.price * t.qty).toPrecision(12))),
        time: String(t.time),
        isBuyerMaker: t.isBuyerMaker,
        isBestMatch: true,
      }));
    };

  return [
    get("/api/v3/time", time),
    get("/api/v3/ping", () => ({})),
    get("/api/v3/coins", () => coins(state)),
    get("/api/v3/exchangeInfo", () => ({
      timezone: "UTC",
      serverTime: state.now(),
      symbols: listed(state, "spot").map(spotSymbolInfo),
    })),
    get("/api/v3/market/ticker/24hr", ticker24("spot")),
    get("/api/v3/market/ticker/bookTicker", bookTicker("spot")),
    get("/api/v3/market/ticker/price", (req) => {
      const id = symbolParam(req);
      const ms = id === undefined ? listed(state, "spot") : [state.market(id, "spot")];
      return ms.map((m) => ({ symbol: m.id, price: toStep(state.ticker24h(m.id).last, m.tickSize) }));
    }),
    get("/api/v3/market/klines", klines("spot", 300)),
    get("/api/v3/market/depth", depth("spot")),
    get("/api/v3/market/trades", trades("spot")),
    get("/capi/v3/market/time", time),
    get("/capi/v3/market/exchangeInfo", () => ({
      timezone: "UTC",
      serverTime: state.now(),
      symbols: listed(state, "swap").map(contractSymbolInfo),
    })),
    get("/capi/v3/market/ticker/24hr", ticker24("swap")),
    get("/capi/v3/market/ticker/bookTicker", bookTicker("swap")),
    get("/capi/v3/market/klines", klines("swap", 1000)),
    get("/capi/v3/market/historyKlines", klines("swap", 100, { requireRange: true })),
    get("/capi/v3/market/markPriceKlines", klines("swap", 1000, { zeroVolume: true })),
    get("/capi/v3/market/indexPriceKlines", klines("swap", 1000, { zeroVolume: true })),
    get("/capi/v3/market/depth", depth("swap")),
    get("/capi/v3/market/trades", trades("swap")),
    get("/capi/v3/market/symbolPrice", (req) => {
      const m = state.market(requireParam(req, "symbol"), "swap");
      return { symbol: m.id, price: toStep(state.ticker24h(m.id).last, m.tickSize), time: state.now() };
    }),
  ];
}

function listed(state: MarketState, kind: Kind): SimMarket[] {
  return state.markets().filter((m) => m[kind]);
}

/** [openTime, o, h, l, c, v, closeTime, quoteVolume, count, takerBuyBase, takerBuyQuote] */
function klineRow(c: SimCandle, m: SimMarket, zeroVolume: boolean): unknown[] {
  const price = (x: number): string => toStep(x, m.tickSize);
  const vol = zeroVolume ? 0 : c.volume;
  const quote = vol * ((c.open + c.close) / 2);
  return [
    c.timestamp,
    price(c.open),
    price(c.high),
    price(c.low),
    price(c.close),
    decimalString(Number(vol.toPrecision(12))),
    c.closeTime,
    decimalString(Number(quote.toPrecision(12))),
    zeroVolume ? 0 : Math.max(1, Math.round(vol / m.stepSize / 1000)),
    decimalString(Number((vol / 2).toPrecision(12))),
    decimalString(Number((quote / 2).toPrecision(12))),
  ];
}

function tickerPayload(
  state: MarketState,
  m: SimMarket,
  kind: Kind,
  single: boolean,
): Record<string, unknown> {
  const t = state.ticker24h(m.id);
  const p = (x: number): string => toStep(x, m.tickSize);
  const change = t.last - t.open;
  const time = (x: number): number | string => (single ? String(x) : x);
  const base = {
    symbol: m.id,
    priceChange: p(change),
    priceChangePercent: (change / t.open).toFixed(6),
    lastPrice: p(t.last),
  };
  const rest = {
    openPrice: p(t.open),
    highPrice: p(t.high),
    lowPrice: p(t.low),
    volume: decimalString(Number(t.volume.toPrecision(12))),
    quoteVolume: decimalString(Number(t.quoteVolume.toPrecision(15))),
    openTime: time(t.openTime),
    closeTime: time(t.closeTime),
  };
  if (kind === "spot") {
    return {
      ...base,
      bidPrice: p(t.bid),
      bidQty: toStep(t.bidQty, m.stepSize),
      askPrice: p(t.ask),
      askQty: toStep(t.askQty, m.stepSize),
      ...rest,
      count: single ? String(t.count) : t.count,
    };
  }
  // contract: mark = last, index a hair off it (no separate index feed in the simulator)
  return { ...base, ...rest, markPrice: p(t.last), indexPrice: p(t.last * 1.0002) };
}

function spotSymbolInfo(m: SimMarket): unknown {
  return {
    symbol: m.id,
    status: "TRADING",
    baseAsset: m.base,
    baseAssetPrecision: "8",
    quoteAsset: m.quote,
    quoteAssetPrecision: "8",
    tickSize: decimalString(m.tickSize),
    stepSize: decimalString(m.stepSize),
    minTradeAmount: decimalString(m.minQty ?? m.stepSize),
    maxTradeAmount: "99999",
    takerFeeRate: decimalString(m.takerFeeRate ?? 0.001),
    makerFeeRate: decimalString(m.makerFeeRate ?? 0.001),
    buyLimitPriceRatio: "0.1",
    sellLimitPriceRatio: "0.1",
    marketBuyLimitSize: "99999",
    marketSellLimitSize: "99999",
    marketFallbackPriceRatio: "0",
    enableTrade: true,
    enableDisplay: true,
    displayDigitMerge: `${decimalString(m.tickSize)},${decimalString(m.tickSize * 10)}`,
    displayNew: false,
    displayHot: false,
  };
}

function contractSymbolInfo(m: SimMarket): unknown {
  const decimals = (x: number): string => String(Math.max(0, -Math.floor(Math.log10(x) + 1e-9)));
  return {
    symbol: m.id,
    baseAsset: m.base,
    quoteAsset: m.quote,
    marginAsset: m.quote,
    pricePrecision: decimals(m.tickSize),
    quantityPrecision: decimals(m.stepSize),
    baseAssetPrecision: decimals(m.tickSize),
    quotePrecision: "8",
    contractVal: decimalString(m.stepSize),
    delivery: ["00:00:00", "08:00:00", "16:00:00"],
    forwardContractFlag: true,
    minLeverage: "1",
    maxLeverage: "400",
    buyLimitPriceRatio: "0.01",
    sellLimitPriceRatio: "0.01",
    makerFeeRate: "0.0002",
    takerFeeRate: "0.0008",
    minOrderSize: decimalString(m.stepSize),
    maxOrderSize: "1000000",
    maxPositionSize: "5000000",
    marketOpenLimitSize: "2300",
  };
}

function coins(state: MarketState): unknown[] {
  const assets = [...new Set(state.markets().flatMap((m) => [m.base, m.quote]))].sort();
  return assets.map((coin) => ({
    coin,
    depositAllEnable: true,
    withdrawAllEnable: true,
    name: coin,
    networkList: [
      {
        network: "Ethereum (ETH)",
        coin,
        withdrawIntegerMultiple: "1E-8",
        isDefault: true,
        depositEnable: true,
        withdrawEnable: true,
        depositDesc: null,
        withdrawDesc: null,
        name: "Ethereum (ETH)",
        withdrawFee: "1",
        withdrawMin: "20",
        depositDust: "0.1",
        minConfirm: "12",
        withdrawTag: false,
        contractAddressUrl: "https://etherscan.io/token/",
        contractAddress: "",
      },
    ],
  }));
}

function requireParam(req: RouteRequest, name: string): string {
  const v = req.query.get(name);
  if (v === null || v === "") throw paramEmpty(name);
  return v;
}

function optionalInt(req: RouteRequest, name: string): number | undefined {
  const v = req.query.get(name);
  if (v === null || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw invalidParam(`${name} must be an integer, got "${v}"`);
  return n;
}

function intParam(req: RouteRequest, name: string, dflt: number, min: number, max: number): number {
  const n = optionalInt(req, name) ?? dflt;
  if (n < min || n > max) throw invalidParam(`${name} must be between ${min} and ${max}.`);
  return n;
}
