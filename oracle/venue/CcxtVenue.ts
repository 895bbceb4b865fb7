import ccxt from "ccxt";
import { keccak256, toUtf8Bytes } from "ethers";
import type { Order, Trade } from "ccxt";
import type { CcxtTradeLike } from "../../offchain/execution/CcxtExchangeLike.js";
import { venueTradeOf } from "../../offchain/execution/ccxtTrades.js";
import { priceToE8, toTokenUnits, tradeToFillUnits } from "../../offchain/protocol/units.js";
import { custodyTotalsFromLedger } from "../../offchain/execution/custodyLedger.js";
import type { CcxtLedgerEntryLike } from "../../offchain/execution/CcxtExchangeLike.js";
import type { VenueBalanceSource, VenueCustody } from "./VenueBalanceSource.js";
import type { VenueFill, VenueFillsSource } from "./VenueFillsSource.js";
import type { VenueTickerSource } from "./VenueTickerSource.js";

export interface CcxtVenueOptions {
  /** ccxt exchange id, e.g. "weex", "binance". */
  exchange: string;
  /** Replaces the origin of every REST endpoint (a simulator, a proxy, a regional host). */
  baseUrl?: string;
  /** Market symbol per risk-policy asset index, e.g. { "0": "BTC/USDT" }. */
  symbols: Record<string, string>;
  /** The stable asset equity is counted in (e.g. "USDT") and its on-chain decimals. */
  quoteCurrency: string;
  assetDecimals: number;
  /** Read-only API credentials, needed for fills and balances only (WEEX also needs a passphrase). */
  apiKey?: string;
  secret?: string;
  password?: string;
  timeoutMs?: number;
  /** ccxt exchange options, e.g. { fetchMarkets: { types: ["spot"] } } to load spot markets only. */
  exchangeOptions?: Record<string, unknown>;
}

type Exchange = InstanceType<(typeof ccxt)["Exchange"]>;

/** Every string in ccxt's `urls.api` with its origin replaced by `baseUrl`'s. */
function rebase(api: unknown, baseUrl: string): unknown {
  const origin = new URL(baseUrl);
  if (typeof api === "string") {
    // Everything after the scheme and host, kept verbatim: "https://api-spot.weex.com" (to which
    // ccxt appends "/" + path) must not gain a trailing slash.
    const rest = api.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, "");
    return `${origin.protocol}//${origin.host}${origin.pathname.replace(/\/$/, "")}${rest}`;
  }
  if (api && typeof api === "object") {
    return Object.fromEntries(Object.entries(api).map(([k, v]) => [k, rebase(v, baseUrl)]));
  }
  return api;
}

/** Tickers, fills and balances from a ccxt exchange, converted to on-chain units at this edge. */
export class CcxtVenue implements VenueTickerSource, VenueFillsSource, VenueBalanceSource {
  private readonly exchange: Exchange;

  constructor(private readonly options: CcxtVenueOptions) {
    const ctor = (ccxt as unknown as Record<string, new (c: object) => Exchange>)[options.exchange];
    if (typeof ctor !== "function") throw new Error(`unknown ccxt exchange "${options.exchange}"`);
    this.exchange = new ctor({
      apiKey: options.apiKey,
      secret: options.secret,
      ...(options.password === undefined ? {} : { password: options.password }),
      timeout: options.timeoutMs ?? 5_000,
      enableRateLimit: true,
      ...(options.exchangeOptions ? { options: options.exchangeOptions } : {}),
    });
    if (options.baseUrl) {
      const urls = this.exchange.urls as { api: unknown };
      urls.api = rebase(urls.api, options.baseUrl);
    }
  }

  private symbol(asset: number): string {
    const s = this.options.symbols[String(asset)];
    if (!s) throw new Error(`no venue symbol configured for asset ${asset}`);
    return s;
  }

  async lastPriceE8(asset: number): Promise<bigint> {
    const t = await this.exchange.fetchTicker(this.symbol(asset));
    const last = t.last ?? t.close;
    if (last === undefined || last === null)
      throw new Error(`venue ticker for asset ${asset} has no last price`);
    return priceToE8(last);
  }

  /**
   * The order's trades, one per venue trade (`fetchOrderTrades`, or `fetchMyTrades` since the order
   * was placed, filtered by order id, where the exchange has no per-order query), each converted
   * as the engine converts the trades it reports (`venueTradeOf`, `tradeToFillUnits`). The client
   * order id is the order's (`fetchOrder`): WEEX's trades do not carry it. `[]` for an order the
   * venue does not know. A trade without a venue time gets time 0, which matches no reported fill.
   */
  async tradesForOrder(venueOrderId: string, asset: number): Promise<VenueFill[]> {
    const symbol = this.symbol(asset);
    await this.exchange.loadMarkets();
    const base = this.exchange.market(symbol).base;
    const perOrder = this.exchange.has["fetchOrderTrades"] === true;
    const unknownAs =
      <T>(value: T) =>
      (e: unknown) => {
        if (e instanceof ccxt.OrderNotFound) return value;
        throw e;
      };
    const order = (): Promise<Order | null> =>
      this.exchange.fetchOrder(venueOrderId, symbol).catch(unknownAs(null));
    let o: Order | null;
    let trades: Trade[];
    if (perOrder) {
      [o, trades] = await Promise.all([
        order(),
        this.exchange.fetchOrderTrades(venueOrderId, symbol).catch(unknownAs<Trade[]>([])),
      ]);
    } else {
      o = await order();
      const since = o?.timestamp === undefined ? undefined : o.timestamp - 60_000;
      trades = o ? await this.exchange.fetchMyTrades(symbol, since) : [];
    }
    if (!o) return [];
    return trades
      .filter((t) => (t.order === undefined ? perOrder : String(t.order) === venueOrderId))
      .map((t) => venueTradeOf(t as CcxtTradeLike, symbol, base, 0))
      .sort((a, b) => a.timestamp - b.timestamp || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((t) => ({
        venueOrderId,
        clientOrderId: o.clientOrderId ?? t.clientOrderId ?? "",
        asset,
        ...tradeToFillUnits(t),
      }));
  }

  async equity(): Promise<bigint> {
    const b = await this.exchange.fetchBalance();
    const total = (b.total as unknown as Record<string, number | undefined>)[this.options.quoteCurrency];
    if (total === undefined) throw new Error(`venue balance has no ${this.options.quoteCurrency}`);
    return toTokenUnits(total, this.options.assetDecimals);
  }

  /** The account's custody transfers, from its ledger, read as the engine reads them. */
  async custody(): Promise<VenueCustody> {
    const t = await custodyTotalsFromLedger(
      (code, since, limit, params) =>
        this.exchange.fetchLedger(code, since, limit, params) as unknown as Promise<CcxtLedgerEntryLike[]>,
      this.options.quoteCurrency,
      this.options.exchange,
    );
    const units = (x: number) =>
      toTokenUnits(x.toFixed(this.options.assetDecimals), this.options.assetDecimals);
    return { credited: units(t.credited), debited: units(t.debited) };
  }

  /** The order reference a fill carries on-chain for a client order id. */
  static orderRef(clientOrderId: string): string {
    return keccak256(toUtf8Bytes(clientOrderId));
  }
}
