import type { AccountState, OrderRequest } from "./ExecutionVenue.js";

export interface TargetsToOrdersOptions {
  readonly equity: number;
  /** Reference price per symbol (last close). */
  readonly prices: Readonly<Record<string, number>>;
  readonly minTradeFraction: number;
  readonly orderType: "market" | "limit";
  readonly stopLoss: number | null;
  readonly takeProfit: number | null;
  /** Prefix of deterministic client order ids. */
  readonly idPrefix: string;
}

/**
 * The orders that move the account to the target weights. Trades below `minTradeFraction` of
 * equity are skipped unless they close a position; orders that shrink exposure come first, so
 * cash is freed before it is spent. Symbols in sorted order within each group: one event order.
 */
export function targetsToOrders(
  targets: Readonly<Record<string, number>>,
  account: AccountState,
  o: TargetsToOrdersOptions,
): OrderRequest[] {
  const symbols = [...new Set([...Object.keys(targets), ...Object.keys(account.positions)])].sort();
  const reduce: OrderRequest[] = [];
  const grow: OrderRequest[] = [];
  for (const symbol of symbols) {
    const price = o.prices[symbol];
    if (price === undefined || !(price > 0)) continue; // no fresh price: leave the position alone
    const held = account.positions[symbol] ?? 0;
    const target = ((targets[symbol] ?? 0) * o.equity) / price;
    const delta = target - held;
    const closing = target === 0 && held !== 0;
    if (!closing && Math.abs(delta) * price < o.minTradeFraction * o.equity) continue;
    if (delta === 0) continue;
    const growing = Math.abs(target) > Math.abs(held) || Math.sign(target) !== Math.sign(held);
    const order: OrderRequest = {
      clientOrderId: `${o.idPrefix}-${symbol}`,
      symbol,
      side: delta > 0 ? "buy" : "sell",
      quantity: Math.abs(delta),
      type: o.orderType,
      ...(o.orderType === "limit" ? { limitPrice: price } : {}),
      reason: "rebalance",
      stopLoss: o.stopLoss,
      takeProfit: o.takeProfit,
    };
    (growing ? grow : reduce).push(order);
  }
  return [...reduce, ...grow];
}
