import type { CandleSeries, OrderBookSnapshot, Ticker, Timeframe } from "../types/market.js";
import { TIMEFRAME_MS } from "../types/market.js";
import type { Clock } from "./Clock.js";
import { systemClock } from "./Clock.js";
import { BadSymbolError, DataInputError, SchemaDriftError, SourceRejectedError } from "./errors.js";
import { httpGetJson } from "./httpGetJson.js";
import type { MarketDataSource } from "./MarketDataSource.js";
import { defaultSchemaRegistry } from "./schemaRegistry.js";
import type { DriftPolicy, SchemaRegistry } from "./schemaRegistry.js";

const DAY = TIMEFRAME_MS["1d"];
/** CoinGecko's allowed `days` values for /ohlc. */
const OHLC_DAYS = [1, 7, 14, 30, 90, 180, 365] as const;

export interface CoinGeckoSourceOptions {
  /** API root (default https://api.coingecko.com/api/v3). */
  readonly baseUrl?: string;
  /** Sent as `x-cg-demo-api-key` (or pro key header, see `apiKeyHeader`). */
  readonly apiKey?: string;
  readonly apiKeyHeader?: string;
  /** Base asset → CoinGecko coin id; defaults cover the shared data's symbols. */
  readonly coinIds?: Readonly<Record<string, string>>;
  readonly clock?: Clock;
  readonly registry?: SchemaRegistry;
  readonly onDrift?: DriftPolicy;
  readonly timeoutMs?: number;
}

const DEFAULT_IDS: Record<string, string> = {
  BTC: "bitcoin",
  ETH: "ethereum",
  BNB: "binancecoin",
  SOL: "solana",
  XRP: "ripple",
  ADA: "cardano",
  DOGE: "dogecoin",
  AVAX: "avalanche-2",
  LINK: "chainlink",
  LTC: "litecoin",
  DOT: "polkadot",
  MATIC: "matic-network",
  TRX: "tron",
  PAXG: "pax-gold",
};

/**
 * Daily history from CoinGecko's REST API: OHLC from `/coins/{id}/ohlc` (`interval=daily`; its
 * timestamps are candle *close* times, shifted here to open times) and volume from
 * `/coins/{id}/market_chart/range` (24h quote volume at the day boundary, divided by the close to
 * express it in the base asset). Because of that derivation the series carry schema
 * "ohlcv-cg/1", not "ohlcv/1". Symbols are BASE/VS, e.g. "BTC/USD".
 */
export class CoinGeckoSource implements MarketDataSource {
  readonly id = "coingecko";
  private readonly baseUrl: string;
  private readonly clock: Clock;
  private readonly registry: SchemaRegistry;

  constructor(private readonly options: CoinGeckoSourceOptions = {}) {
    this.baseUrl = (options.baseUrl ?? "https://api.coingecko.com/api/v3").replace(/\/$/, "");
    this.clock = options.clock ?? systemClock;
    this.registry = options.registry ?? defaultSchemaRegistry;
  }

  async fetchCandles(
    symbol: string,
    timeframe: Timeframe,
    since: number,
    until: number,
  ): Promise<CandleSeries> {
    if (timeframe !== "1d") throw new DataInputError(`coingecko serves daily history only, not ${timeframe}`);
    if (!(since <= until)) throw new DataInputError(`since ${since} is after until ${until}`);
    const { coin, vs } = this.parse(symbol);
    const now = this.clock.now();
    const needDays = Math.ceil((now - since) / DAY) + 1;
    const days = OHLC_DAYS.find((d) => d >= needDays) ?? "max";
    const ohlc = await this.get(`/coins/${coin}/ohlc?vs_currency=${vs}&days=${days}&interval=daily`);
    const chart = await this.get(
      `/coins/${coin}/market_chart/range?vs_currency=${vs}&from=${Math.floor(since / 1000)}&to=${Math.ceil((until + DAY) / 1000)}`,
    );
    if (!Array.isArray(ohlc))
      throw new SchemaDriftError("ohlcv-cg/1", "/ohlc as an array of [time, o, h, l, c]", typeof ohlc, {
        source: this.id,
      });
    const volumes =
      chart && typeof chart === "object" ? (chart as Record<string, unknown>).total_volumes : undefined;
    if (!Array.isArray(volumes)) {
      throw new SchemaDriftError(
        "ohlcv-cg/1",
        "market_chart.total_volumes as [time, volume][]",
        `keys [${Object.keys(chart ?? {}).join(", ")}]`,
        { source: this.id },
      );
    }
    const volumeAt = new Map<number, unknown>();
    for (const v of volumes)
      if (Array.isArray(v) && typeof v[0] === "number") volumeAt.set(Math.floor(v[0] / DAY) * DAY, v[1]);
    const raws = ohlc
      .map((row: unknown) => {
        if (!Array.isArray(row) || row.length !== 5) return { row };
        const [closeTime, open, high, low, close] = row as unknown[];
        const openTime = typeof closeTime === "number" ? closeTime - DAY : closeTime;
        const quoteVol = typeof openTime === "number" ? volumeAt.get(openTime + DAY) : undefined;
        const volume =
          typeof quoteVol === "number" && typeof close === "number" ? quoteVol / close : quoteVol;
        return { timestamp: openTime, open, high, low, close, volume };
      })
      .filter((r) => typeof r.timestamp !== "number" || (r.timestamp >= since && r.timestamp <= until));
    const { candles, flags } = this.registry.validateCandles(raws, {
      schema: "ohlcv-cg/1",
      timeframe,
      now,
      onDrift: this.options.onDrift ?? "throw",
    });
    return { symbol, timeframe, source: this.id, schemaVersion: "ohlcv-cg/1", candles, flags };
  }

  async fetchTicker(symbol: string): Promise<Ticker> {
    const { coin, vs } = this.parse(symbol);
    const body = (await this.get(
      `/simple/price?ids=${coin}&vs_currencies=${vs}&include_last_updated_at=true`,
    )) as Record<string, Record<string, unknown>>;
    const price = body?.[coin]?.[vs];
    const at = body?.[coin]?.last_updated_at;
    if (typeof price !== "number")
      throw new SchemaDriftError("ticker/1", `${coin}.${vs} as a number`, String(price), { source: this.id });
    // CoinGecko quotes an aggregate price, no book: bid = ask = last
    return {
      symbol,
      timestamp: typeof at === "number" ? at * 1000 : this.clock.now(),
      bid: price,
      ask: price,
      last: price,
    };
  }

  fetchOrderBook(symbol: string): Promise<OrderBookSnapshot> {
    return Promise.reject(
      new SourceRejectedError(`coingecko has no order books (${symbol})`, { source: this.id }),
    );
  }

  private parse(symbol: string): { coin: string; vs: string } {
    const [base, quote] = symbol.split("/");
    if (!base || !quote) throw new DataInputError(`not a unified symbol: "${symbol}" (expected BASE/VS)`);
    const coin = this.options.coinIds?.[base] ?? DEFAULT_IDS[base];
    if (!coin)
      throw new BadSymbolError(`coingecko: no coin id known for ${base}; pass coinIds`, { source: this.id });
    return { coin, vs: quote.toLowerCase() };
  }

  private get(path: string): Promise<unknown> {
    const headers: Record<string, string> = {};
    if (this.options.apiKey) headers[this.options.apiKeyHeader ?? "x-cg-demo-api-key"] = this.options.apiKey;
    return httpGetJson(this.baseUrl + path, {
      source: this.id,
      clock: this.clock,
      timeoutMs: this.options.timeoutMs ?? 15_000,
      headers,
    });
  }
}
