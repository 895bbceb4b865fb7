import type { Route, RouteRequest } from "./RouteTable.js";
import type { SimAccount } from "./SimAccount.js";
import type { SpotEngine, SpotFill, SpotOrder, OrderRef } from "./SpotEngine.js";
import { averagePrice } from "./SpotEngine.js";
import { fxFormat, stepDecimals } from "./fixedPoint.js";
import { WeexApiError, invalidJson, invalidParam, paramEmpty } from "./WeexApiError.js";

type Params = Readonly<Record<string, unknown>>;

/**
 * WEEX's private spot endpoints as ccxt's `weex` calls them (paths, verbs, JSON bodies for POST
 * and batch DELETE, query strings otherwise), answering with the shapes of ccxt's recorded WEEX
 * responses. Weights are ccxt's per-endpoint costs, which the simulator's limiter charges
 * against WEEX's 500-per-10-s private budget.
 */
export function spotTradingRoutes(engine: SpotEngine, now: () => number): Route[] {
  const signed = (
    method: Route["method"],
    path: string,
    weight: number,
    handler: (account: SimAccount, params: Params) => unknown,
  ): Route => ({
    method,
    path,
    weight,
    signed: true,
    handler: (req) => handler(accountOf(req), paramsOf(req)),
  });

  return [
    signed("GET", "/api/v3/account/", 5, (account) => accountPayload(account, now())),
    signed("POST", "/api/v3/order", 5, (account, p) => {
      const order = engine.place(account, {
        ...optStr(p, "symbol"),
        ...optStr(p, "side"),
        ...optStr(p, "type"),
        ...optStr(p, "quantity"),
        ...optStr(p, "price"),
        ...optStr(p, "timeInForce"),
        ...optStr(p, "newClientOrderId"),
      });
      return {
        symbol: order.market.id,
        orderId: order.orderId,
        clientOrderId: order.clientOrderId,
        transactTime: String(order.time),
      };
    }),
    signed("DELETE", "/api/v3/order", 1, (account, p) => {
      const ref = orderRef(p);
      const order = engine.cancel(account, ref, str(p, "symbol"));
      return "orderId" in ref
        ? { orderId: order.orderId, status: order.status }
        : { origClientOrderId: order.clientOrderId, status: order.status };
    }),
    signed("DELETE", "/api/v3/openOrders", 1, (account, p) => {
      const symbol = required(p, "symbol");
      return engine.cancelAll(account, symbol).map((o) => orderPayload(o, false));
    }),
    signed("DELETE", "/api/v3/order/batch", 10, (account, p) => {
      const byClient = Array.isArray(p["origClientOrderIds"]);
      const ids = (byClient ? p["origClientOrderIds"] : p["orderIds"]) as unknown;
      if (!Array.isArray(ids) || ids.length === 0) throw paramEmpty("orderIds");
      return {
        orderList: ids.map((raw) => {
          const id = String(raw);
          const ref: OrderRef = byClient ? { clientOrderId: id } : { orderId: id };
          try {
            const o = engine.cancel(account, ref);
            return {
              orderId: o.orderId,
              origClientOrderId: o.clientOrderId,
              success: true,
              errorCode: "",
              errorMessage: "",
            };
          } catch (e) {
            if (!(e instanceof WeexApiError)) throw e;
            return {
              orderId: byClient ? "" : id,
              origClientOrderId: byClient ? id : "",
              success: false,
              errorCode: String(e.code),
              errorMessage: e.msg,
            };
          }
        }),
      };
    }),
    signed("GET", "/api/v3/order", 2, (account, p) =>
      orderPayload(engine.find(account, orderRef(p), str(p, "symbol")), true),
    ),
    signed("GET", "/api/v3/openOrders", 3, (account, p) =>
      engine.open(account, str(p, "symbol")).map((o) => orderPayload(o, false)),
    ),
    signed("GET", "/api/v3/allOrders", 10, (account, p) => {
      const symbol = required(p, "symbol");
      const { start, end, limit } = window(p, "startTime", "endTime", 500, 1000);
      return engine.orders
        .filter((o) => o.account === account && o.market.id === symbol)
        .filter((o) => o.time >= start && o.time <= end)
        .slice(-limit)
        .reverse()
        .map((o) => orderPayload(o, false));
    }),
    signed("GET", "/api/v3/myTrades", 5, (account, p) => {
      const symbol = required(p, "symbol");
      const { start, end, limit } = window(p, "startTime", "endTime", 500, 1000);
      return engine
        .fillsOf(account, symbol, str(p, "orderId"))
        .filter((f) => f.time >= start && f.time <= end)
        .slice(0, limit)
        .map(fillPayload);
    }),
    signed("POST", "/api/v3/account/bills", 5, (account, p) => {
      const { start, end, limit } = window(p, "after", "before", 100, 100);
      const coin = str(p, "coinName");
      const bizType = str(p, "bizType");
      return account.bills
        .filter(
          (b) =>
            b.cTime >= start &&
            b.cTime <= end &&
            (coin === undefined || b.coinName === coin) &&
            (bizType === undefined || b.bizType === bizType),
        )
        .slice()
        .reverse()
        .slice(0, limit)
        .map((b) => ({
          billId: b.billId,
          coinId: String(coinId(b.coinName)),
          coinName: b.coinName,
          bizType: b.bizType,
          fillSize: fxFormat(b.fillSize),
          fillValue: fxFormat(b.fillValue),
          deltaAmount: fxFormat(b.deltaAmount, 8),
          afterAmount: fxFormat(b.afterAmount, 8),
          fees: fxFormat(b.fees, 8),
          cTime: String(b.cTime),
        }));
    }),
    signed("GET", "/api/v3/account/transferRecords", 3, (account, p) => {
      const { start, end, limit } = window(p, "after", "before", 10, 100);
      return account.custody
        .filter((m) => m.time >= start && m.time <= end)
        .slice()
        .reverse()
        .slice(0, limit)
        .map((m) => ({
          coinName: m.asset,
          status: "Successful",
          toType: "",
          toSymbol: "",
          fromType: "",
          fromSymbol: "",
          amount: fxFormat(m.direction === "in" ? m.amount : -m.amount, 8),
          tradeTime: String(m.time),
        }));
    }),
  ];
}

/** Spot order as WEEX answers it; single-order queries carry times as strings, lists as numbers. */
export function orderPayload(o: SpotOrder, single: boolean): Record<string, unknown> {
  const tick = stepDecimals(o.market.tickSize);
  const step = stepDecimals(o.market.stepSize);
  const qty = (x: bigint): string => (x === 0n ? "0" : fxFormat(x, Math.max(1, step)));
  const time = (t: number): number | string => (single ? String(t) : t);
  // a market order reports its average fill price, as the recorded FILLED market order does
  const price = o.type === "MARKET" ? averagePrice(o) : o.price;
  return {
    symbol: o.market.id,
    orderId: o.orderId,
    clientOrderId: o.clientOrderId,
    price: fxFormat(price, tick),
    origQty: qty(o.origQty),
    executedQty: qty(o.executedQty),
    cummulativeQuoteQty: fxFormat(o.cumQuote),
    status: o.status,
    timeInForce: o.timeInForce,
    type: o.type,
    side: o.side,
    time: time(o.time),
    updateTime: time(o.updateTime),
    isWorking: o.status === "NEW" || o.status === "PARTIALLY_FILLED",
  };
}

function fillPayload(f: SpotFill): Record<string, unknown> {
  const m = f.order.market;
  return {
    symbol: m.id,
    id: f.id,
    orderId: f.order.orderId,
    price: fxFormat(f.price, stepDecimals(m.tickSize)),
    qty: fxFormat(f.qty, Math.max(1, stepDecimals(m.stepSize))),
    quoteQty: fxFormat(f.quote),
    commission: fxFormat(f.commission),
    time: String(f.time),
    isBuyer: f.order.side === "BUY",
  };
}

function accountPayload(account: SimAccount, now: number): unknown {
  return {
    makerCommission: "0",
    takerCommission: "0",
    commissionRates: { maker: "0.00100000", taker: "0.00100000" },
    canTrade: true,
    canWithdraw: true,
    canDeposit: true,
    updateTime: String(now),
    accountType: "SPOT",
    balances: account.assets().map((asset) => {
      const b = account.balance(asset);
      return {
        asset,
        free: fxFormat(b.free, 8),
        locked: b.locked === 0n ? "0" : fxFormat(b.locked, 8),
      };
    }),
    permissions: ["SPOT"],
    uid: account.uid,
  };
}

/** WEEX numbers its coins; any stable small id serves (USDT is "2" in the recorded bills). */
function coinId(coin: string): number {
  if (coin === "USDT") return 2;
  return [...coin].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 9973, 7);
}

function accountOf(req: RouteRequest): SimAccount {
  if (!req.account) throw new Error(`route ${req.path} is signed but no account was resolved`);
  return req.account;
}

/** Query string for GET/DELETE, JSON body for POST and batch DELETE (as ccxt's `sign` sends them). */
function paramsOf(req: RouteRequest): Params {
  if (req.body.trim() === "") return Object.fromEntries(req.query.entries());
  try {
    const parsed = JSON.parse(req.body) as unknown;
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw invalidJson();
    return { ...Object.fromEntries(req.query.entries()), ...(parsed as Params) };
  } catch (e) {
    if (e instanceof WeexApiError) throw e;
    throw invalidJson();
  }
}

function str(p: Params, name: string): string | undefined {
  const v = p[name];
  if (v === undefined || v === null || v === "") return undefined;
  return String(v);
}

function optStr(p: Params, name: string): Record<string, string> {
  const v = str(p, name);
  return v === undefined ? {} : { [name]: v };
}

function required(p: Params, name: string): string {
  const v = str(p, name);
  if (v === undefined) throw paramEmpty(name);
  return v;
}

function orderRef(p: Params): OrderRef {
  const orderId = str(p, "orderId");
  if (orderId !== undefined) return { orderId };
  const clientOrderId = str(p, "origClientOrderId");
  if (clientOrderId !== undefined) return { clientOrderId };
  throw invalidParam("Either orderId or origClientOrderId must be sent.");
}

function window(
  p: Params,
  startName: string,
  endName: string,
  dflt: number,
  max: number,
): { start: number; end: number; limit: number } {
  const int = (name: string): number | undefined => {
    const v = str(p, name);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n)) throw invalidParam(`${name} must be an integer, got "${v}"`);
    return n;
  };
  const start = int(startName) ?? 0;
  const end = int(endName) ?? Number.MAX_SAFE_INTEGER;
  const limit = int("limit") ?? dflt;
  if (limit < 1 || limit > max) throw invalidParam(`limit must be between 1 and ${max}.`);
  if (start > end) throw new WeexApiError(400, -1171, "startTime cannot be greater than endTime.");
  return { start, end, limit };
}
