import type { AccountState, OrderRequest } from "../engine/ExecutionVenue.js";
import { requireClientOrderId } from "./clientOrderId.js";
import type { OrderStore } from "./OrderStore.js";
import type {
  CustodyTotals,
  BookLevel,
  MarketRules,
  OrderBookSnapshot,
  TradingVenue,
  VenueOrder,
  VenueTrade,
} from "./TradingVenue.js";

/**
 * Shadow mode's venue: market data (time, markets, prices, book) from a real venue, usually a
 * `CcxtVenue` with read-only keys, and *no* order ever sent. Each order is priced against the
 * venue's book at that moment (walking the levels it would have taken), recorded in the store as
 * a shadow fill for comparison with what the strategy expected, and applied to a virtual account
 * so the next decision sizes from where the shadow portfolio stands.
 */
export class ShadowTradingVenue implements TradingVenue {
  readonly name: string;
  /** Shadow orders leave no venue trades and move a virtual account: nothing to reconcile. */
  readonly reconcilable = false;
  private state: { cash: number; positions: Record<string, number> };

  constructor(
    private readonly market: TradingVenue,
    private readonly store: OrderStore,
    initial: AccountState,
  ) {
    this.name = `shadow:${market.name}`;
    this.state = { cash: initial.cash, positions: { ...initial.positions } };
  }

  fetchTime(): Promise<number> {
    return this.market.fetchTime();
  }

  loadMarkets(): Promise<ReadonlyMap<string, MarketRules>> {
    return this.market.loadMarkets();
  }

  fetchPrices(symbols: readonly string[]): Promise<Record<string, number>> {
    return this.market.fetchPrices(symbols);
  }

  fetchOrderBook(symbol: string): Promise<OrderBookSnapshot> {
    return this.market.fetchOrderBook(symbol);
  }

  account(): AccountState {
    return { cash: this.state.cash, positions: { ...this.state.positions } };
  }

  async refreshAccount(): Promise<AccountState> {
    return this.account();
  }

  async placeOrder(order: OrderRequest): Promise<VenueOrder> {
    requireClientOrderId(order, this.name);
    const book = await this.market.fetchOrderBook(order.symbol);
    const { filled, average } = walkBook(order.side === "buy" ? book.asks : book.bids, order);
    this.store.recordShadowFill({
      clientOrderId: order.clientOrderId,
      symbol: order.symbol,
      side: order.side,
      quantity: order.quantity,
      filledQuantity: filled,
      averagePrice: average,
      bookTimestamp: book.timestamp,
    });
    const dir = order.side === "buy" ? 1 : -1;
    const q = (this.state.positions[order.symbol] ?? 0) + dir * filled;
    if (Math.abs(q) < 1e-12) delete this.state.positions[order.symbol];
    else this.state.positions[order.symbol] = q;
    this.state.cash -= dir * filled * average;
    return {
      id: `shadow-${order.clientOrderId}`,
      clientOrderId: order.clientOrderId,
      symbol: order.symbol,
      side: order.side,
      type: order.type,
      amount: order.quantity,
      filled,
      price: average,
      // Nothing rests in shadow: what the book could not take at once is reported unfilled.
      status: "closed",
      timestamp: book.timestamp,
    };
  }

  async findOrder(_symbol: string, clientOrderId: string): Promise<VenueOrder | null> {
    const s = this.store.shadowFills().find((f) => f.clientOrderId === clientOrderId);
    if (!s) return null;
    return {
      id: `shadow-${clientOrderId}`,
      clientOrderId,
      symbol: s.symbol,
      side: s.side,
      type: "market",
      amount: s.quantity,
      filled: s.filledQuantity,
      price: s.averagePrice,
      status: "closed",
      timestamp: s.bookTimestamp,
    };
  }

  async fetchOpenOrders(): Promise<VenueOrder[]> {
    return [];
  }

  /** Shadow fills are not venue trades: nothing is ever reported on-chain from shadow mode. */
  async fetchMyTrades(): Promise<VenueTrade[]> {
    return [];
  }

  async cancelOrder(): Promise<void> {}

  /** Shadow mode moves no custody: the market account's transfers, as they are. */
  fetchCustodyTotals(): Promise<CustodyTotals> {
    return this.market.fetchCustodyTotals();
  }

  async submit(orders: readonly OrderRequest[]): Promise<void> {
    for (const o of orders) await this.placeOrder(o);
  }
}

/** Quantity the book would have filled and its average price; a limit stops at its price. */
export function walkBook(
  levels: readonly BookLevel[],
  order: OrderRequest,
): { filled: number; average: number } {
  let left = order.quantity;
  let cost = 0;
  for (const l of levels) {
    if (left <= 0) break;
    if (order.type === "limit" && order.limitPrice !== undefined) {
      if (order.side === "buy" ? l.price > order.limitPrice : l.price < order.limitPrice) break;
    }
    const take = Math.min(left, l.amount);
    cost += take * l.price;
    left -= take;
  }
  const filled = order.quantity - Math.max(0, left);
  return { filled, average: filled > 0 ? cost / filled : 0 };
}
