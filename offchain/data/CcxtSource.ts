import ccxt from "ccxt";
import type { Exchange } from "ccxt";
import type { CandleSeries, DataFlag, OrderBookSnapshot, Ticker, Timeframe } from "../types/market.js";
import { TIMEFRAME_MS } from "../types/market.js";
import type { Clock } from "./Clock.js";
import { systemClock } from "./Clock.js";
import { classifyError, DataInputError, MalformedPayloadError, SchemaDriftError } from "./errors.js";
import type { MarketDataSource, WatchOptions } from "./MarketDataSource.js";
import { parseRetryAfter } from "./parseRetryAfter.js";
import { defaultSchemaRegistry } from "./schemaRegistry.js";
import type { AssetClass, DriftPolicy, SchemaRegistry } from "./schemaRegistry.js";
import { backoffDelay } from "./withRetry.js";

export interface CcxtSourceOptions {
  /** Any ccxt exchange id (default "weex"): "binance", "kraken", "indodax", "tokocrypto", … */
  readonly exchangeId?: string;
  /** Replaces entries of the exchange's `urls.api` (point it at a simulator or stand-in). */
  readonly apiUrls?: Readonly<{ [api: string]: unknown }> | object;
  /** Extra ccxt constructor config (options, timeout, credentials for later tasks). */
  readonly config?: Record<string, unknown>;
  readonly clock?: Clock;
  readonly registry?: SchemaRegistry;
  readonly onDrift?: DriftPolicy;
  /** Candles per request (default: 300 spot / 100 swap on WEEX, else 500). */
  readonly pageLimit?: number;
  /** ccxt's own per-request timeout in ms (default 10 s). */
  readonly timeoutMs?: number;
  /** Live streams: reconnect attempts before giving up (default 5) and backoff base (default 500 ms). */
  readonly maxReconnects?: number;
  readonly reconnectBaseMs?: number;
  /** Seeded uniform [0,1) for reconnect jitter. */
  readonly random?: () => number;
}

type Row = readonly (number | undefined)[];

/**
 * Market data from any ccxt exchange, WEEX by default, through ccxt's unified API (REST and, where
 * ccxt.pro has it, WebSocket). Pages candle history, validates every row against the schema
 * registry, and turns ccxt's errors into ours. A body that is not JSON raises
 * `MalformedPayloadError` (ccxt alone would hand back the raw text as if it were data).
 *
 * @example
 * const src = new CcxtSource({ apiUrls: sim.ccxtUrls() });
 * const series = await src.fetchCandles("ETH/USDT", "1h", from, to);
 */
export class CcxtSource implements MarketDataSource {
  readonly id: string;
  readonly exchange: Exchange;
  private readonly clock: Clock;
  private readonly registry: SchemaRegistry;
  private readonly onDrift: DriftPolicy;
  private marketsLoaded: Promise<unknown> | undefined;
  /** Drifted raw rows seen (onDrift "flag") since the last series was built. */
  private drifted: DataFlag[] = [];

  constructor(private readonly options: CcxtSourceOptions = {}) {
    const exchangeId = options.exchangeId ?? "weex";
    this.id = exchangeId;
    const proClasses = ccxt.pro as unknown as Record<string, new (c: object) => Exchange>;
    const restClasses = ccxt as unknown as Record<string, new (c: object) => Exchange>;
    const Klass = proClasses[exchangeId] ?? restClasses[exchangeId];
    if (typeof Klass !== "function") throw new DataInputError(`ccxt has no exchange "${exchangeId}"`);
    const config: Record<string, unknown> = { timeout: options.timeoutMs ?? 10_000, ...options.config };
    if (options.apiUrls) config.urls = { api: options.apiUrls };
    this.exchange = new Klass(config);
    this.clock = options.clock ?? systemClock;
    this.registry = options.registry ?? defaultSchemaRegistry;
    this.onDrift = options.onDrift ?? "throw";
    this.guardJson();
    this.guardOhlcv();
  }

  async fetchCandles(
    symbol: string,
    timeframe: Timeframe,
    since: number,
    until: number,
  ): Promise<CandleSeries> {
    const tf = TIMEFRAME_MS[timeframe];
    if (tf === undefined) throw new DataInputError(`unknown timeframe "${timeframe}"`);
    if (!(since <= until)) throw new DataInputError(`since ${since} is after until ${until}`);
    const market = await this.call(async () => {
      await this.loadMarkets();
      return this.exchange.market(symbol);
    });
    const swap = market.swap === true;
    const limit = this.options.pageLimit ?? (this.id === "weex" ? (swap ? 100 : 300) : 500);
    const rows: Row[] = [];
    let cursor = Math.ceil(since / tf) * tf;
    while (cursor <= until) {
      const pageEnd = Math.min(until, cursor + (limit - 1) * tf);
      const page = await this.call(() =>
        this.exchange.fetchOHLCV(
          symbol,
          timeframe,
          cursor,
          limit,
          this.pageParams(swap, cursor, pageEnd, limit),
        ),
      );
      const inRange = (page as Row[]).filter(
        (r) => typeof r[0] !== "number" || (r[0] >= cursor && r[0] <= until),
      );
      rows.push(...inRange);
      const lastTs = inRange.reduce((m, r) => (typeof r[0] === "number" ? Math.max(m, r[0]) : m), -Infinity);
      // advance past what we got, or past the requested page when the source had nothing there
      const next = Number.isFinite(lastTs) ? lastTs + tf : pageEnd + tf;
      if (next <= cursor) break;
      if (!Number.isFinite(lastTs) && page.length === 0 && pageEnd >= until) break;
      cursor = next;
    }
    return this.toSeries(symbol, timeframe, swap ? "crypto-swap" : "crypto-spot", rows);
  }

  async fetchTicker(symbol: string): Promise<Ticker> {
    const t = await this.call(() => this.exchange.fetchTicker(symbol));
    let bid = t.bid;
    let ask = t.ask;
    if ((bid === undefined || ask === undefined) && this.exchange.has.fetchBidsAsks) {
      // contract 24h tickers carry no quote; WEEX serves it on the book-ticker endpoint
      const ba = await this.call(() => this.exchange.fetchBidsAsks([symbol]));
      bid = ba[symbol]?.bid;
      ask = ba[symbol]?.ask;
    }
    const ticker = { symbol, timestamp: t.timestamp ?? this.clock.now(), bid, ask, last: t.last };
    for (const k of ["bid", "ask", "last"] as const) {
      const v = ticker[k];
      if (typeof v !== "number" || !Number.isFinite(v)) {
        throw new SchemaDriftError("ticker/1", `"${k}" as a finite number`, String(v), {
          source: this.id,
          at: symbol,
        });
      }
    }
    return ticker as Ticker;
  }

  async fetchOrderBook(symbol: string, depth?: number): Promise<OrderBookSnapshot> {
    const ob = await this.call(() => this.exchange.fetchOrderBook(symbol, depth));
    const side = (levels: unknown, name: string): [number, number][] => {
      if (!Array.isArray(levels))
        throw new SchemaDriftError("orderbook/1", `${name} as [price, size][]`, typeof levels, {
          source: this.id,
        });
      return levels.map((l: unknown, i) => {
        const [p, q] = Array.isArray(l) ? l : [];
        if (typeof p !== "number" || typeof q !== "number" || !Number.isFinite(p) || !Number.isFinite(q)) {
          throw new SchemaDriftError("orderbook/1", "[price, size] numbers", JSON.stringify(l), {
            source: this.id,
            at: `${name}[${i}]`,
          });
        }
        return [p, q];
      });
    };
    return {
      symbol,
      timestamp: ob.timestamp ?? this.clock.now(),
      bids: side(ob.bids, "bids").slice(0, depth),
      asks: side(ob.asks, "asks").slice(0, depth),
    };
  }

  /**
   * Live candles over ccxt.pro's `watchOHLCV`. ccxt answers the venue's heartbeat pings; when the
   * connection drops, this reconnects with jittered backoff and backfills the candles missed
   * meanwhile over REST, so a reconnect leaves no silent hole (any hole left is flagged `gap`).
   */
  async *watchCandles(
    symbol: string,
    timeframe: Timeframe,
    options: WatchOptions = {},
  ): AsyncGenerator<CandleSeries> {
    const tf = TIMEFRAME_MS[timeframe];
    const ex = this.exchange as Exchange & { watchOHLCV?: Exchange["fetchOHLCV"] };
    if (typeof ex.watchOHLCV !== "function" || !this.exchange.has.watchOHLCV) {
      throw new DataInputError(`${this.id} has no WebSocket candles in ccxt.pro`);
    }
    await this.prepareWs();
    let lastClosed: number | undefined;
    let failures = 0;
    let reconnected = false;
    for (;;) {
      if (options.signal?.aborted) return;
      let rows: Row[];
      try {
        rows = (await abortable(ex.watchOHLCV(symbol, timeframe), options.signal)) as Row[];
      } catch (e) {
        if (options.signal?.aborted) return;
        const error = classifyError(e, this.id);
        failures += 1;
        if (!error.retryable || failures > (this.options.maxReconnects ?? 5)) throw error;
        await this.clock.sleep(
          backoffDelay(
            failures,
            this.options.reconnectBaseMs ?? 500,
            30_000,
            this.options.random ?? Math.random,
          ),
        );
        reconnected = true;
        continue;
      }
      failures = 0;
      const now = this.clock.now();
      let fresh = rows.filter(
        (r) => lastClosed === undefined || (typeof r[0] === "number" && r[0] > lastClosed),
      );
      const first = fresh[0]?.[0];
      if (reconnected && lastClosed !== undefined && typeof first === "number" && first > lastClosed + tf) {
        const backfill = await this.fetchCandles(symbol, timeframe, lastClosed + tf, first - tf);
        fresh = [
          ...backfill.candles.map((c) => [c.timestamp, c.open, c.high, c.low, c.close, c.volume]),
          ...fresh,
        ];
      }
      reconnected = false;
      if (fresh.length === 0) continue;
      const series = this.toSeries(symbol, timeframe, "crypto-spot", fresh);
      if (lastClosed !== undefined && series.candles[0] && series.candles[0].timestamp > lastClosed + tf) {
        (series.flags as unknown[]).unshift({
          kind: "gap",
          from: lastClosed + tf,
          to: series.candles[0].timestamp - tf,
          detail: "missed while the stream was down and not recoverable over REST",
        });
      }
      for (const c of series.candles)
        if (c.timestamp + tf <= now) lastClosed = Math.max(lastClosed ?? -Infinity, c.timestamp);
      yield series;
    }
  }

  async *watchTicker(symbol: string, options: WatchOptions = {}): AsyncGenerator<Ticker> {
    const ex = this.exchange as Exchange & { watchTicker?: Exchange["fetchTicker"] };
    if (typeof ex.watchTicker !== "function" || !this.exchange.has.watchTicker) {
      throw new DataInputError(`${this.id} has no WebSocket tickers in ccxt.pro`);
    }
    await this.prepareWs();
    let failures = 0;
    for (;;) {
      if (options.signal?.aborted) return;
      try {
        const t = await abortable(ex.watchTicker(symbol), options.signal);
        failures = 0;
        if (typeof t.last !== "number") {
          throw new SchemaDriftError("ticker/1", '"last" as a finite number', String(t.last), {
            source: this.id,
          });
        }
        yield {
          symbol,
          timestamp: t.timestamp ?? this.clock.now(),
          bid: t.bid ?? NaN,
          ask: t.ask ?? NaN,
          last: t.last,
        };
      } catch (e) {
        if (options.signal?.aborted) return;
        const error = classifyError(e, this.id);
        failures += 1;
        if (!error.retryable || failures > (this.options.maxReconnects ?? 5)) throw error;
        await this.clock.sleep(
          backoffDelay(
            failures,
            this.options.reconnectBaseMs ?? 500,
            30_000,
            this.options.random ?? Math.random,
          ),
        );
      }
    }
  }

  async close(): Promise<void> {
    const ex = this.exchange as Exchange & { close?: () => Promise<void> };
    if (typeof ex.close === "function") await ex.close();
  }

  private toSeries(symbol: string, timeframe: Timeframe, assetClass: AssetClass, rows: Row[]): CandleSeries {
    const schema = this.registry.schemaFor(assetClass, timeframe).id;
    const raws = rows.map((r) =>
      Array.isArray(r) && r.length >= 6
        ? { timestamp: r[0], open: r[1], high: r[2], low: r[3], close: r[4], volume: r[5] }
        : { row: r },
    );
    const { candles, flags } = this.registry.validateCandles(raws, {
      schema,
      timeframe,
      now: this.clock.now(),
      onDrift: this.onDrift,
    });
    const drifted = this.drifted;
    this.drifted = [];
    return {
      symbol,
      timeframe,
      source: this.id,
      schemaVersion: schema,
      candles,
      flags: [...drifted, ...flags],
    };
  }

  /** Per-exchange paging parameters: ccxt's unified `since/limit` is not enough everywhere. */
  private pageParams(swap: boolean, from: number, to: number, limit: number): Record<string, unknown> {
    if (this.id === "weex") {
      // spot klines: ccxt forwards no range, so pass WEEX's own; contract: the history endpoint
      return swap ? { historical: true, until: to } : { startTime: from, endTime: to, limit };
    }
    if (this.id === "binance" || this.id === "tokocrypto") return { until: to };
    return {};
  }

  private loadMarkets(): Promise<unknown> {
    this.marketsLoaded ??= this.exchange.loadMarkets().catch((e: unknown) => {
      this.marketsLoaded = undefined;
      throw e;
    });
    return this.marketsLoaded;
  }

  private async prepareWs(): Promise<void> {
    const ex = this.exchange as Exchange & { loadHttpProxyAgent?: () => Promise<unknown> };
    // ccxt insists on an http agent before it opens plain ws:// (local simulator) connections
    if (typeof ex.loadHttpProxyAgent === "function") await ex.loadHttpProxyAgent();
    await this.call(() => this.loadMarkets());
  }

  /** Runs a ccxt call and maps its failure into our tree, with the venue's Retry-After if any. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      const headers = (this.exchange as unknown as { last_response_headers?: Record<string, string> })
        .last_response_headers;
      const retryAfter = headers?.["Retry-After"] ?? headers?.["retry-after"];
      throw classifyError(e, this.id, parseRetryAfter(retryAfter, this.clock.now()));
    }
  }

  /**
   * Checks each raw kline row as ccxt parses it. Needed because ccxt drops rows without a
   * timestamp when filtering by `since`, so a renamed field would otherwise arrive as "no data".
   */
  private guardOhlcv(): void {
    const ex = this.exchange as unknown as { parseOHLCV: (raw: unknown, market?: unknown) => Row };
    const original = ex.parseOHLCV.bind(ex);
    ex.parseOHLCV = (raw: unknown, market?: unknown): Row => {
      const row = original(raw, market);
      const bad = !Array.isArray(row) || row.length < 6 || row.slice(0, 6).some((v) => typeof v !== "number");
      if (bad) {
        const found = JSON.stringify(raw)?.slice(0, 120) ?? String(raw);
        const error = new SchemaDriftError(
          "ohlcv/1",
          "a kline row [time, open, high, low, close, volume]",
          found,
          {
            source: this.id,
          },
        );
        if (this.onDrift === "throw") throw error;
        this.drifted.push({ kind: "schema-drift", from: NaN, detail: error.message });
      }
      return row;
    };
  }

  /** ccxt returns an unparseable body as a string instead of failing; make that an error. */
  private guardJson(): void {
    const ex = this.exchange as unknown as { parseJson: (s: string) => unknown };
    const original = ex.parseJson.bind(ex);
    ex.parseJson = (text: string): unknown => {
      const parsed = original(text);
      const trimmed = typeof text === "string" ? text.trim() : "";
      if (parsed === undefined && (trimmed.startsWith("{") || trimmed.startsWith("["))) {
        throw new MalformedPayloadError(`${this.id}: response is not valid JSON: ${trimmed.slice(0, 80)}`, {
          source: this.id,
        });
      }
      return parsed;
    };
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Error("aborted"));
    if (signal.aborted) onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
