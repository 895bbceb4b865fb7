import type { AccountState, ExecutionVenue, OrderRequest } from "../engine/ExecutionVenue.js";

/** Trading rules of one market, from the venue's market list. */
export interface MarketRules {
  readonly symbol: string;
  readonly base: string;
  readonly quote: string;
  /** Quantity step (0 = any). Orders are rounded down to it. */
  readonly amountStep: number;
  /** Smallest order quantity and notional the venue accepts (0 = none). */
  readonly minAmount: number;
  readonly minNotional: number;
}

export type VenueOrderStatus = "open" | "closed" | "canceled" | "rejected" | "expired";

/** An order as the venue reports it. */
export interface VenueOrder {
  readonly id: string;
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: "buy" | "sell";
  readonly type: "market" | "limit";
  readonly amount: number;
  readonly filled: number;
  readonly price: number | undefined;
  readonly status: VenueOrderStatus;
  /** Venue time (ms) the order was created. */
  readonly timestamp: number;
  /**
   * The answer did not say how much filled (`filled` is then a guess, 0): it cannot settle the
   * order's trades; a later order read must.
   */
  readonly filledUnknown?: boolean;
}

/** One execution (trade) of one of our orders, as the venue reports it. */
export interface VenueTrade {
  /** Venue trade id: unique, the key that makes recording fills idempotent. */
  readonly id: string;
  readonly orderId: string;
  readonly clientOrderId: string | undefined;
  readonly symbol: string;
  readonly side: "buy" | "sell";
  readonly amount: number;
  readonly price: number;
  /** In quote currency. */
  readonly fee: number;
  /** Part of the fee taken in the base coin, in base units (0 or absent when charged in quote). */
  readonly feeBase?: number;
  /** Venue time, ms. */
  readonly timestamp: number;
}

export interface BookLevel {
  readonly price: number;
  readonly amount: number;
}

export interface OrderBookSnapshot {
  readonly symbol: string;
  readonly bids: readonly BookLevel[];
  readonly asks: readonly BookLevel[];
  readonly timestamp: number;
}

/**
 * The engine's `ExecutionVenue` extended with what live execution needs: venue time, market rules,
 * a refreshed account, order placement that reports back, lookup by client order id (the
 * reconciliation key), cancels, own trades and the book. Implemented by `CcxtVenue` (live: WEEX;
 * paper: the same class pointed at the WEEX simulator) and `ShadowTradingVenue` (places nothing).
 * Backtests keep using `SimulatedVenue` through the plain `ExecutionVenue`.
 */
export interface TradingVenue extends ExecutionVenue {
  /**
   * False for a venue whose orders leave no trades to read and whose balances are not the books'
   * (shadow mode): its orders settle when finished and the books are not reconciled against it.
   */
  readonly reconcilable?: boolean;
  /** The venue's clock (ms); also updates the offset used for signed requests. */
  fetchTime(): Promise<number>;
  loadMarkets(): Promise<ReadonlyMap<string, MarketRules>>;
  /** Balances/positions now; `account()` returns this snapshot until the next refresh. */
  refreshAccount(): Promise<AccountState>;
  /** Last traded prices. */
  fetchPrices(symbols: readonly string[]): Promise<Record<string, number>>;
  fetchOrderBook(symbol: string): Promise<OrderBookSnapshot>;
  /**
   * Sends one order. Throws `MissingClientOrderIdError` (before anything is sent) when the order has
   * no valid client order id, and `OrderOutcomeUnknownError` when it cannot tell whether it was placed.
   */
  placeOrder(order: OrderRequest): Promise<VenueOrder>;
  /** The order with this client order id, or null when the venue has never seen it. */
  findOrder(symbol: string, clientOrderId: string): Promise<VenueOrder | null>;
  fetchOpenOrders(symbol?: string): Promise<VenueOrder[]>;
  /** Our trades since `since` (ms), oldest first. */
  fetchMyTrades(symbol: string, since: number): Promise<VenueTrade[]>;
  cancelOrder(symbol: string, clientOrderId: string): Promise<void>;
  /**
   * Cumulative custody transfers of the quote currency into (credited) and out of (debited) the
   * account, as the venue's own ledger shows them: what a NAV report's custody counters attest.
   */
  fetchCustodyTotals(): Promise<CustodyTotals>;
  close?(): Promise<void>;
}

/** Cumulative custody transfers, in quote units. */
export interface CustodyTotals {
  readonly credited: number;
  readonly debited: number;
}
