import ccxt from "ccxt";
import type { Clock } from "../../../offchain/data/Clock.js";
import type {
  CcxtBookLike,
  CcxtExchangeLike,
  CcxtLedgerEntryLike,
  CcxtMarketLike,
  CcxtOrderLike,
  CcxtTradeLike,
} from "../../../offchain/execution/CcxtExchangeLike.js";

/** What the fake does to the next call of a method instead of (or after) serving it. */
export type FakeFault =
  | { readonly kind: "rate-limit"; readonly retryAfter?: string }
  | { readonly kind: "timeout" }
  | { readonly kind: "unavailable" }
  /** createOrder only: the venue places the order, then the connection drops before the answer. */
  | { readonly kind: "timeout-after-apply" }
  /** createOrder only: places the order and never answers (the engine is killed meanwhile). */
  | { readonly kind: "hang-after-apply" };

interface FakeOrder {
  id: string;
  clientOrderId: string;
  symbol: string;
  side: "buy" | "sell";
  type: "market" | "limit";
  amount: number;
  filled: number;
  price: number | undefined;
  status: "open" | "closed" | "canceled";
  timestamp: number;
}

/**
 * An in-memory spot venue behind ccxt's method names, throwing ccxt's own error classes — the
 * test double for the private WEEX endpoints the simulator does not serve yet. Market orders fill
 * at the last price up to `liquidity` per order (the rest is cancelled: a partial fill); limit
 * orders rest until `fillOpen`. Duplicate client order ids are refused, as real venues do.
 */
export class FakeExchange implements CcxtExchangeLike {
  readonly id = "fake";
  options: Record<string, unknown> = {};
  last_response_headers: Record<string, string> | undefined;
  readonly balances: Record<string, number>;
  readonly prices: Record<string, number>;
  /** Max base quantity a market order can take (per symbol); unlimited if absent. */
  readonly liquidity: Record<string, number> = {};
  readonly orders: FakeOrder[] = [];
  readonly trades: (CcxtTradeLike & { id: string; order: string; symbol: string })[] = [];
  readonly calls: Record<string, number> = {};
  /** Custody bills (`transfer_in` / `transfer_out`), newest last, as the venue's ledger holds them. */
  readonly ledger: Array<CcxtLedgerEntryLike & { bizType: string }> = [];
  /** createOrder calls per client order id: the duplicate-order detector. */
  readonly posts = new Map<string, number>();
  private readonly faults = new Map<string, FakeFault[]>();
  private nextId = 1;
  feeRate = 0.001;
  serverOffsetMs = 0;

  constructor(
    private readonly clock: Clock,
    init: { balances: Record<string, number>; prices: Record<string, number> },
  ) {
    this.balances = { ...init.balances };
    this.prices = { ...init.prices };
  }

  fault(method: string, fault: FakeFault, times = 1): void {
    const list = this.faults.get(method) ?? [];
    for (let i = 0; i < times; i++) list.push(fault);
    this.faults.set(method, list);
  }

  private enter(method: string): FakeFault | undefined {
    this.calls[method] = (this.calls[method] ?? 0) + 1;
    this.last_response_headers = {};
    const f = this.faults.get(method)?.shift();
    if (!f) return undefined;
    if (f.kind === "rate-limit") {
      this.last_response_headers = f.retryAfter === undefined ? {} : { "Retry-After": f.retryAfter };
      throw new ccxt.RateLimitExceeded(`fake ${method}: 429 Too Many Requests`);
    }
    if (f.kind === "timeout") throw new ccxt.RequestTimeout(`fake ${method}: request timed out`);
    if (f.kind === "unavailable") throw new ccxt.ExchangeNotAvailable(`fake ${method}: 503`);
    return f;
  }

  async loadMarkets(): Promise<Record<string, CcxtMarketLike>> {
    this.enter("loadMarkets");
    const out: Record<string, CcxtMarketLike> = {};
    for (const symbol of Object.keys(this.prices)) {
      const [base, quote] = symbol.split("/") as [string, string];
      out[symbol] = {
        symbol,
        base,
        quote,
        spot: true,
        precision: { amount: 0.0001 },
        limits: { amount: { min: 0.0001 }, cost: { min: 5 } },
      };
    }
    return out;
  }

  async fetchTime(): Promise<number> {
    this.enter("fetchTime");
    return this.clock.now() + this.serverOffsetMs;
  }

  async fetchBalance(): Promise<{ total: Record<string, number> }> {
    this.enter("fetchBalance");
    return { total: { ...this.balances } };
  }

  async fetchTickers(symbols?: string[]): Promise<Record<string, { last: number }>> {
    this.enter("fetchTickers");
    const out: Record<string, { last: number }> = {};
    for (const s of symbols ?? Object.keys(this.prices))
      if (this.prices[s] !== undefined) out[s] = { last: this.prices[s] };
    return out;
  }

  async fetchOrderBook(symbol: string): Promise<CcxtBookLike> {
    this.enter("fetchOrderBook");
    const p = this.prices[symbol]!;
    // Three levels each side, 1 bp apart, 0.5 base each.
    const levels = (dir: number) => [1, 2, 3].map((i) => [p * (1 + (dir * i) / 10_000), 0.5]);
    return { bids: levels(-1), asks: levels(1), timestamp: this.clock.now() };
  }

  async createOrder(
    symbol: string,
    type: string,
    side: string,
    amount: number,
    price?: number,
    params: Record<string, unknown> = {},
  ): Promise<CcxtOrderLike> {
    const cid = String(params["clientOrderId"]);
    const f = this.enter("createOrder");
    this.posts.set(cid, (this.posts.get(cid) ?? 0) + 1);
    if (this.orders.some((o) => o.clientOrderId === cid))
      throw new ccxt.InvalidOrder(`fake: duplicate clientOrderId ${cid}`);
    if (!(symbol in this.prices)) throw new ccxt.BadSymbol(`fake: unknown symbol ${symbol}`);
    const order: FakeOrder = {
      id: String(this.nextId++),
      clientOrderId: cid,
      symbol,
      side: side === "sell" ? "sell" : "buy",
      type: type === "limit" ? "limit" : "market",
      amount,
      filled: 0,
      price: type === "limit" ? price : undefined,
      status: "open",
      timestamp: this.clock.now() + this.serverOffsetMs,
    };
    const [base, quote] = symbol.split("/") as [string, string];
    if (order.side === "buy" && (this.balances[quote] ?? 0) < amount * (price ?? this.prices[symbol]!))
      throw new ccxt.InsufficientFunds(`fake: insufficient ${quote}`);
    if (order.side === "sell" && (this.balances[base] ?? 0) < amount - 1e-12)
      throw new ccxt.InsufficientFunds(`fake: insufficient ${base}`);
    this.orders.push(order);
    if (order.type === "market") {
      const q = Math.min(amount, this.liquidity[symbol] ?? Infinity);
      this.execute(order, q, this.prices[symbol]!);
      order.status = order.filled < amount ? "canceled" : "closed";
    }
    if (f?.kind === "timeout-after-apply")
      throw new ccxt.RequestTimeout("fake createOrder: timed out after send");
    if (f?.kind === "hang-after-apply") return new Promise<never>(() => {});
    return { id: order.id, clientOrderId: cid, symbol, side: order.side, status: order.status };
  }

  /** Fills `fraction` of every open limit order of `symbol` at its limit price. */
  fillOpen(symbol: string, fraction = 1): void {
    for (const o of this.orders)
      if (o.symbol === symbol && o.status === "open") {
        this.execute(o, (o.amount - o.filled) * fraction, o.price!);
        if (o.amount - o.filled < 1e-12) o.status = "closed";
      }
  }

  private execute(o: FakeOrder, q: number, price: number): void {
    if (q <= 0) return;
    const [base, quote] = o.symbol.split("/") as [string, string];
    const dir = o.side === "buy" ? 1 : -1;
    const fee = q * price * this.feeRate;
    this.balances[base] = (this.balances[base] ?? 0) + dir * q;
    this.balances[quote] = (this.balances[quote] ?? 0) - dir * q * price - fee;
    o.filled += q;
    this.trades.push({
      id: `t${this.trades.length + 1}`,
      order: o.id,
      symbol: o.symbol,
      side: o.side,
      amount: q,
      price,
      fee: { cost: fee, currency: quote },
      timestamp: this.clock.now() + this.serverOffsetMs,
    });
  }

  private view(o: FakeOrder): CcxtOrderLike {
    return { ...o };
  }

  async fetchOrder(
    _id: string | undefined,
    symbol?: string,
    params: Record<string, unknown> = {},
  ): Promise<CcxtOrderLike> {
    this.enter("fetchOrder");
    const o = this.orders.find((x) => x.clientOrderId === params["clientOrderId"] && x.symbol === symbol);
    if (!o) throw new ccxt.OrderNotFound(`fake: order ${String(params["clientOrderId"])} does not exist`);
    return this.view(o);
  }

  async fetchOpenOrders(symbol?: string): Promise<CcxtOrderLike[]> {
    this.enter("fetchOpenOrders");
    return this.orders
      .filter((o) => o.status === "open" && (symbol === undefined || o.symbol === symbol))
      .map((o) => this.view(o));
  }

  async fetchMyTrades(symbol?: string, since?: number): Promise<CcxtTradeLike[]> {
    this.enter("fetchMyTrades");
    return this.trades.filter(
      (t) => (symbol === undefined || t.symbol === symbol) && (since === undefined || t.timestamp! >= since),
    );
  }

  /** A custody transfer: the account is credited (in) or debited (out) and a bill is written. */
  custody(direction: "in" | "out", amount: number): void {
    this.balances["USDT"] = (this.balances["USDT"] ?? 0) + (direction === "in" ? amount : -amount);
    this.ledger.push({
      id: String(this.ledger.length + 1),
      timestamp: this.clock.now(),
      direction,
      type: "transfer",
      currency: "USDT",
      amount,
      bizType: direction === "in" ? "transfer_in" : "transfer_out",
    });
  }

  /** Newest first, `limit` at most, at or before `params.until`, of `params.bizType` (as WEEX pages). */
  async fetchLedger(
    code?: string,
    _since?: number,
    limit = 100,
    params: Record<string, unknown> = {},
  ): Promise<CcxtLedgerEntryLike[]> {
    this.enter("fetchLedger");
    const until = params["until"] as number | undefined;
    return this.ledger
      .filter((e) => (code === undefined || e.currency === code) && e.bizType === params["bizType"])
      .filter((e) => until === undefined || e.timestamp! <= until)
      .reverse()
      .slice(0, limit);
  }

  async cancelOrder(
    _id: string | undefined,
    symbol?: string,
    params: Record<string, unknown> = {},
  ): Promise<unknown> {
    this.enter("cancelOrder");
    const o = this.orders.find((x) => x.clientOrderId === params["clientOrderId"] && x.symbol === symbol);
    if (!o || o.status !== "open") throw new ccxt.OrderNotFound("fake: no open order");
    o.status = "canceled";
    return this.view(o);
  }
}
