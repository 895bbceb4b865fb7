import ccxt from "ccxt";
import { keccak256, toUtf8Bytes } from "ethers";
import { priceToE8, toFixed, toTokenUnits } from "../../offchain/protocol/units.js";
import type { VenueBalanceSource } from "./VenueBalanceSource.js";
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
  /** Read-only API credentials, needed for fills and balances only. */
  apiKey?: string;
  secret?: string;
  timeoutMs?: number;
  /** ccxt exchange options, e.g. { fetchMarkets: { types: ["spot"] } } to load spot markets only. */
  exchangeOptions?: Record<string, unknown>;
}

type Exchange = InstanceType<(typeof ccxt)["Exchange"]>;

/** Every string in ccxt's `urls.api` with its origin replaced by `baseUrl`'s. */
function rebase(api: unknown, baseUrl: string): unknown {
  const origin = new URL(baseUrl);
  if (typeof api === "string") {
    const u = new URL(api);
    const path = origin.pathname.replace(/\/$/, "") + u.pathname;
    return `${origin.protocol}//${origin.host}${path}${u.search}`;
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

  async fillForOrder(venueOrderId: string, asset: number): Promise<VenueFill | null> {
    const o = await this.exchange.fetchOrder(venueOrderId, this.symbol(asset));
    const filled = o.filled ?? 0;
    if (!filled || !o.average) return null;
    const sign = o.side === "sell" ? -1n : 1n;
    return {
      venueOrderId,
      clientOrderId: o.clientOrderId ?? "",
      asset,
      quantityE8: sign * toFixed(filled, 8),
      priceE8: priceToE8(o.average),
      feeE8: o.fee?.cost ? toFixed(o.fee.cost, 8) : 0n,
      timestamp: BigInt(Math.floor((o.lastTradeTimestamp ?? o.timestamp ?? 0) / 1000)),
    };
  }

  async equity(): Promise<bigint> {
    const b = await this.exchange.fetchBalance();
    const total = (b.total as unknown as Record<string, number | undefined>)[this.options.quoteCurrency];
    if (total === undefined) throw new Error(`venue balance has no ${this.options.quoteCurrency}`);
    return toTokenUnits(total, this.options.assetDecimals);
  }

  /** The order reference a fill carries on-chain for a client order id. */
  static orderRef(clientOrderId: string): string {
    return keccak256(toUtf8Bytes(clientOrderId));
  }
}
