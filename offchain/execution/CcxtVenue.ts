import ccxt from "ccxt";
import type { Clock } from "../data/Clock.js";
import { backoffDelay } from "../data/withRetry.js";
import type { AccountState, OrderRequest } from "../engine/ExecutionVenue.js";
import type { CcxtExchangeLike, CcxtOrderLike, CcxtTradeLike } from "./CcxtExchangeLike.js";
import { venueTradeOf } from "./ccxtTrades.js";
import { requireClientOrderId } from "./clientOrderId.js";
import { custodyTotalsFromLedger } from "./custodyLedger.js";
import { classifyVenueError, ExecutionError, OrderNotFoundError, VenueRateLimitedError } from "./errors.js";
import type {
  BookLevel,
  CustodyTotals,
  MarketRules,
  OrderBookSnapshot,
  TradingVenue,
  VenueOrder,
  VenueOrderStatus,
  VenueTrade,
} from "./TradingVenue.js";
import type { VenueCredentials } from "./VenueCredentials.js";

export interface CcxtVenueOptions {
  /** The exchange: a ccxt instance (cast) or a test double with the same methods. */
  readonly exchange: CcxtExchangeLike;
  /** Symbols we trade, e.g. ["BTC/USDT", "ETH/USDT"]; balances of other coins are ignored. */
  readonly symbols: readonly string[];
  /** Quote (cash) currency, e.g. "USDT". */
  readonly quote: string;
  readonly clock: Clock;
  /** Attempts for a retryable call, including the first (default 5). */
  readonly attempts?: number;
  /** Backoff base/cap in ms (defaults 250 / 30 000). */
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** Uniform [0, 1): inject a seeded one for reproducible waits (default 0.5: half the ceiling). */
  readonly random?: () => number;
  /**
   * Shift ccxt's signing timestamps by the measured offset (default true: live). Off for a paper
   * venue replaying history, whose server time is market time while it checks signatures against
   * the wall clock.
   */
  readonly alignSigningClock?: boolean;
  /**
   * Minimum order value (quote currency) when the exchange does not publish one: ccxt's `weex`
   * leaves `limits.cost.min` empty although WEEX refuses smaller orders, and without it the engine
   * would keep chasing residuals the venue will never accept.
   */
  readonly minNotional?: number;
  readonly onRetry?: (info: { what: string; attempt: number; waitMs: number; error: ExecutionError }) => void;
}

export interface CcxtExchangeConfig {
  /** ccxt exchange id (default "weex"). */
  readonly exchangeId?: string;
  /** Replaces `urls.api` (the simulator's `ccxtUrls()` in paper mode). */
  readonly urls?: Record<string, unknown>;
  readonly credentials?: VenueCredentials;
  /** ccxt's per-request timeout, ms (default 10 s). */
  readonly timeoutMs?: number;
  /** ccxt's own request throttle (default true; tests against a local simulator turn it off). */
  readonly enableRateLimit?: boolean;
}

/**
 * A ccxt exchange instance for live (WEEX) or paper (the same class with its URLs pointed at the
 * WEEX simulator). Credentials go in here and nowhere else; `VenueCredentials` never prints them.
 */
export function createCcxtExchange(c: CcxtExchangeConfig): CcxtExchangeLike {
  const id = c.exchangeId ?? "weex";
  const Ctor = (ccxt as unknown as Record<string, new (config: object) => unknown>)[id];
  if (typeof Ctor !== "function") throw new TypeError(`ccxt has no exchange "${id}"`);
  const config: Record<string, unknown> = {
    timeout: c.timeoutMs ?? 10_000,
    enableRateLimit: c.enableRateLimit ?? true,
    // Keep response headers so a 429's Retry-After is honoured.
    enableLastResponseHeaders: true,
    options: { defaultType: "spot" },
  };
  if (c.urls) config["urls"] = { api: c.urls };
  if (c.credentials) Object.assign(config, c.credentials.ccxtConfig());
  return new Ctor(config) as CcxtExchangeLike;
}

const STATUS: Record<string, VenueOrderStatus> = {
  open: "open",
  closed: "closed",
  canceled: "canceled",
  cancelled: "canceled",
  rejected: "rejected",
  expired: "expired",
};

/**
 * `TradingVenue` over ccxt (spot). Reads are retried with full-jitter backoff that honours a 429's
 * Retry-After; an order POST is retried only when the venue refused it before acting (rate limit)
 * and otherwise surfaces `OrderOutcomeUnknownError`, so the engine reconciles instead of resending.
 * Spot positions are the base-currency balances of the traded symbols; cash is the quote balance.
 */
export class CcxtVenue implements TradingVenue {
  readonly name: string;
  private snapshot: AccountState = { cash: 0, positions: {} };
  private rules: Map<string, MarketRules> | null = null;
  /** Venue time minus our clock, ms (from `fetchTime`). */
  private offsetMs = 0;

  constructor(private readonly o: CcxtVenueOptions) {
    this.name = o.exchange.id;
  }

  /** Our clock corrected to the venue's: the time to stamp venue-facing records with. */
  venueNow(): number {
    return this.o.clock.now() + this.offsetMs;
  }

  get clockOffsetMs(): number {
    return this.offsetMs;
  }

  async fetchTime(): Promise<number> {
    const before = this.o.clock.now();
    const server = await this.call("fetchTime", () => this.o.exchange.fetchTime());
    const after = this.o.clock.now();
    if (server === undefined) throw classifyVenueError(new Error("no server time"), this.ctx());
    // Half the round trip is the best guess of when the server read its clock.
    this.offsetMs = server - Math.round((before + after) / 2);
    // ccxt signs with nonce() = milliseconds() - timeDifference: align it with the venue.
    if (this.o.alignSigningClock !== false) {
      const wall = this.o.exchange.milliseconds?.() ?? after;
      this.o.exchange.options["timeDifference"] = wall - server;
    }
    return server;
  }

  async loadMarkets(): Promise<ReadonlyMap<string, MarketRules>> {
    if (this.rules) return this.rules;
    const markets = await this.call("loadMarkets", () => this.o.exchange.loadMarkets());
    const rules = new Map<string, MarketRules>();
    for (const symbol of this.o.symbols) {
      const m = markets[symbol];
      if (!m) continue;
      rules.set(symbol, {
        symbol,
        base: m.base,
        quote: m.quote,
        amountStep: m.precision.amount ?? 0,
        minAmount: m.limits.amount?.min ?? 0,
        minNotional: m.limits.cost?.min ?? this.o.minNotional ?? 0,
      });
    }
    this.rules = rules;
    return rules;
  }

  account(): AccountState {
    return this.snapshot;
  }

  async refreshAccount(): Promise<AccountState> {
    const rules = await this.loadMarkets();
    const balance = await this.call("fetchBalance", () => this.o.exchange.fetchBalance());
    const total = balance.total ?? {};
    const positions: Record<string, number> = {};
    for (const symbol of [...this.o.symbols].sort()) {
      const base = rules.get(symbol)?.base;
      const q = base === undefined ? 0 : (total[base] ?? 0);
      if (q !== 0) positions[symbol] = q;
    }
    this.snapshot = { cash: total[this.o.quote] ?? 0, positions };
    return this.snapshot;
  }

  async fetchPrices(symbols: readonly string[]): Promise<Record<string, number>> {
    const tickers = await this.call("fetchTickers", () => this.o.exchange.fetchTickers([...symbols]));
    const out: Record<string, number> = {};
    for (const s of symbols) {
      const last = tickers[s]?.last;
      if (last !== undefined && last > 0) out[s] = last;
    }
    return out;
  }

  async fetchOrderBook(symbol: string): Promise<OrderBookSnapshot> {
    const book = await this.call("fetchOrderBook", () => this.o.exchange.fetchOrderBook(symbol));
    const levels = (side: CcxtExchangeBookSide): BookLevel[] =>
      side
        .filter((l) => l[0] !== undefined && l[1] !== undefined)
        .map((l) => ({ price: l[0]!, amount: l[1]! }));
    return {
      symbol,
      bids: levels(book.bids),
      asks: levels(book.asks),
      timestamp: book.timestamp ?? this.venueNow(),
    };
  }

  async placeOrder(order: OrderRequest): Promise<VenueOrder> {
    // The one place orders leave for the venue: never without a client order id.
    requireClientOrderId(order, this.name);
    const placed = await this.call(
      "createOrder",
      () =>
        this.o.exchange.createOrder(
          order.symbol,
          order.type,
          order.side,
          order.quantity,
          order.type === "limit" ? order.limitPrice : undefined,
          { clientOrderId: order.clientOrderId },
        ),
      order.clientOrderId,
    );
    const sent = this.toOrder(
      { ...placed, clientOrderId: placed.clientOrderId ?? order.clientOrderId },
      order,
    );
    if (placed.status !== undefined) return sent;
    // WEEX answers a spot POST with ids only: read the order's state. The order exists either
    // way, so a failed read leaves it "open" for the next reconciliation instead of failing.
    try {
      return (await this.findOrder(order.symbol, order.clientOrderId)) ?? sent;
    } catch {
      return sent;
    }
  }

  async findOrder(symbol: string, clientOrderId: string): Promise<VenueOrder | null> {
    try {
      const o = await this.call("fetchOrder", () =>
        this.o.exchange.fetchOrder(undefined, symbol, { clientOrderId }),
      );
      return this.toOrder({ ...o, clientOrderId: o.clientOrderId ?? clientOrderId });
    } catch (e) {
      if (e instanceof OrderNotFoundError) return null;
      throw e;
    }
  }

  async fetchOpenOrders(symbol?: string): Promise<VenueOrder[]> {
    const symbols = symbol === undefined ? this.o.symbols : [symbol];
    const out: VenueOrder[] = [];
    for (const s of symbols) {
      const orders = await this.call("fetchOpenOrders", () => this.o.exchange.fetchOpenOrders(s));
      out.push(...orders.map((o) => this.toOrder(o)));
    }
    return out;
  }

  async fetchMyTrades(symbol: string, since: number): Promise<VenueTrade[]> {
    const trades = await this.call("fetchMyTrades", () => this.o.exchange.fetchMyTrades(symbol, since));
    return trades
      .map((t) => this.toTrade(t, symbol))
      .sort((a, b) => a.timestamp - b.timestamp || (a.id < b.id ? -1 : 1));
  }

  async cancelOrder(symbol: string, clientOrderId: string): Promise<void> {
    try {
      await this.call("cancelOrder", () => this.o.exchange.cancelOrder(undefined, symbol, { clientOrderId }));
    } catch (e) {
      // Already filled or cancelled: the state after is what the caller wanted to learn anyway.
      if (!(e instanceof OrderNotFoundError)) throw e;
    }
  }

  /** The account's custody transfers from its ledger (see `custodyTotalsFromLedger`). */
  async fetchCustodyTotals(): Promise<CustodyTotals> {
    const fetchLedger = this.o.exchange.fetchLedger?.bind(this.o.exchange);
    if (!fetchLedger) throw new ExecutionError(`${this.name}: the exchange has no ledger (fetchLedger)`);
    return custodyTotalsFromLedger(
      (code, since, limit, params) => this.call("fetchLedger", () => fetchLedger(code, since, limit, params)),
      this.o.quote,
      this.name,
    );
  }

  async submit(orders: readonly OrderRequest[]): Promise<void> {
    for (const order of orders) await this.placeOrder(order);
  }

  async close(): Promise<void> {
    await this.o.exchange.close?.();
  }

  private ctx(clientOrderId?: string) {
    return {
      venue: this.name,
      headers: this.o.exchange.last_response_headers,
      now: this.o.clock.now(),
      ...(clientOrderId === undefined ? {} : { clientOrderId }),
    };
  }

  /** Runs one venue call, classifying failures and retrying only what `classifyVenueError` allows. */
  private async call<T>(what: string, fn: () => Promise<T>, clientOrderId?: string): Promise<T> {
    const attempts = this.o.attempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (e) {
        const error = classifyVenueError(e, this.ctx(clientOrderId));
        if (!error.retryable || attempt >= attempts) throw error;
        let waitMs = backoffDelay(
          attempt,
          this.o.backoffBaseMs ?? 250,
          this.o.backoffMaxMs ?? 30_000,
          this.o.random ?? (() => 0.5),
        );
        if (error instanceof VenueRateLimitedError && error.retryAfterMs !== undefined)
          waitMs = Math.max(waitMs, error.retryAfterMs);
        this.o.onRetry?.({ what, attempt, waitMs, error });
        await this.o.clock.sleep(waitMs);
      }
    }
  }

  private toOrder(o: CcxtOrderLike, sent?: OrderRequest): VenueOrder {
    return {
      id: String(o.id),
      clientOrderId: o.clientOrderId ?? "",
      symbol: o.symbol ?? sent?.symbol,
      side: (o.side ?? sent?.side) === "sell" ? "sell" : "buy",
      type: (o.type ?? sent?.type) === "limit" ? "limit" : "market",
      amount: o.amount ?? sent?.quantity ?? 0,
      filled: o.filled ?? 0,
      price: o.price ?? sent?.limitPrice,
      status: STATUS[o.status ?? "open"] ?? "open",
      timestamp: o.timestamp ?? this.venueNow(),
      ...(o.filled === undefined || o.filled === null ? { filledUnknown: true } : {}),
    };
  }

  private toTrade(t: CcxtTradeLike, symbol: string): VenueTrade {
    return venueTradeOf(t, symbol, this.rules?.get(symbol)?.base, this.venueNow());
  }
}

type CcxtExchangeBookSide = readonly (readonly (number | undefined)[])[];
