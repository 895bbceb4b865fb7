/** Why an order exists; carried through to fills, reports and the trade record. */
export type OrderReason = "rebalance" | "stop-loss" | "take-profit" | "kill-switch";

/** A command to the venue. Quantities in base units (> 0); the side says the direction. */
export interface OrderRequest {
  /** Deterministic and unique per run, so retries are idempotent. */
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: "buy" | "sell";
  readonly quantity: number;
  /** Market orders pay taker fees; limit orders pay maker fees and may not fill. */
  readonly type: "market" | "limit";
  readonly limitPrice?: number;
  readonly reason: OrderReason;
  /** Protective exits attached to the resulting position, as fractions of the average entry price. */
  readonly stopLoss?: number | null;
  readonly takeProfit?: number | null;
}

export interface Fill {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly side: "buy" | "sell";
  readonly quantity: number;
  readonly price: number;
  /** Fee paid in quote currency, never negative. */
  readonly fee: number;
  /** Quote-currency cost of slippage and market impact against the reference price. */
  readonly slippageCost: number;
  readonly impactCost: number;
  readonly timestamp: number;
  readonly reason: OrderReason;
}

/** Orders that expired or were refused, with why. */
export interface OrderReject {
  readonly clientOrderId: string;
  readonly symbol: string;
  readonly timestamp: number;
  readonly reason: string;
}

export interface AccountState {
  /** Quote currency; may go negative (borrowed) with leverage. */
  readonly cash: number;
  /** Signed base quantity per symbol (negative = short); flat symbols absent. */
  readonly positions: Readonly<Record<string, number>>;
}

/**
 * Where orders go. The kernel only talks to this interface; the wiring picks a simulated venue
 * (backtest), none (shadow), the WEEX simulator (paper) or WEEX (live).
 */
export interface ExecutionVenue {
  readonly name: string;
  account(): AccountState;
  /** Accepts orders at `now`; fills arrive later (latency) through the venue's own events. */
  submit(orders: readonly OrderRequest[], now: number): void | Promise<void>;
}
