import { ConfigError } from "../engine/errors.js";
import type { Decision } from "../types/decision.js";

export interface ManualAction {
  readonly symbol: string;
  readonly action: "BUY" | "SELL";
  /** Base-asset quantity, rounded down to 5 significant digits. */
  readonly quantity: number;
  /** Worst price to accept: last close ± `limitOffsetBps`. */
  readonly limitPrice: number;
  readonly notional: number;
  readonly targetWeight: number;
  readonly stopLoss: number | null;
  readonly takeProfit: number | null;
}

export interface ActionListOptions {
  readonly capital: number;
  /** Last close per symbol (the decision's reference prices). */
  readonly prices: Readonly<Record<string, number>>;
  /** Quantities already held (signed); default: nothing, all cash. */
  readonly holdings?: Readonly<Record<string, number>>;
  readonly limitOffsetBps?: number;
  readonly stopLoss?: number | null;
  readonly takeProfit?: number | null;
  /** Ignore trades below this notional. */
  readonly minNotional?: number;
}

function roundDown(x: number, digits: number): number {
  if (x <= 0) return 0;
  const step = Math.pow(10, Math.floor(Math.log10(x)) - digits + 1);
  return Number((Math.floor(x / step + 1e-9) * step).toPrecision(digits));
}

function sig(x: number, digits = 6): number {
  return Number(x.toPrecision(digits));
}

/**
 * Manual mode: the decision as orders a person can place by hand for a given capital, with limit
 * prices and the stop-loss / take-profit levels of the resulting positions. Sells come first so
 * their proceeds fund the buys.
 *
 * @example
 * actionList(decision, { capital: 10_000, prices: { "BTC/USDT": 42_000 }, stopLoss: 0.1, takeProfit: 0.25 });
 */
export function actionList(decision: Pick<Decision, "weights">, o: ActionListOptions): ManualAction[] {
  if (!(o.capital > 0)) throw new ConfigError(`capital must be a positive amount, got ${o.capital}`);
  const offset = (o.limitOffsetBps ?? 10) / 10_000;
  const holdings = o.holdings ?? {};
  const symbols = [...new Set([...Object.keys(decision.weights), ...Object.keys(holdings)])].sort();
  const out: ManualAction[] = [];
  for (const symbol of symbols) {
    const price = o.prices[symbol];
    if (price === undefined || !(price > 0))
      throw new ConfigError(`no price for ${symbol}; cannot size the order`, {
        hint: "load fresh data for every held symbol",
      });
    const w = decision.weights[symbol] ?? 0;
    const delta = (w * o.capital) / price - (holdings[symbol] ?? 0);
    const qty = roundDown(Math.abs(delta), 5);
    if (qty === 0 || qty * price < (o.minNotional ?? 10)) continue;
    const action = delta > 0 ? "BUY" : "SELL";
    const limitPrice = sig(action === "BUY" ? price * (1 + offset) : price * (1 - offset));
    const long = w > 0;
    const sl = o.stopLoss ?? null;
    const tp = o.takeProfit ?? null;
    out.push({
      symbol,
      action,
      quantity: qty,
      limitPrice,
      notional: sig(qty * limitPrice, 8),
      targetWeight: w,
      stopLoss: w === 0 || sl === null ? null : sig(limitPrice * (long ? 1 - sl : 1 + sl)),
      takeProfit: w === 0 || tp === null ? null : sig(limitPrice * (long ? 1 + tp : 1 - tp)),
    });
  }
  return out.sort((a, b) =>
    a.action === b.action ? (a.symbol < b.symbol ? -1 : 1) : a.action === "SELL" ? -1 : 1,
  );
}

/** The action list as a checklist a person can follow. */
export function formatActionList(actions: readonly ManualAction[], time: number, capital: number): string {
  const lines = [
    `Manual orders for the decision at ${new Date(time).toISOString()} (capital ${capital})`,
    actions.length === 0 ? "Nothing to do: the portfolio is already on target." : "",
  ];
  actions.forEach((a, i) => {
    lines.push(
      `${i + 1}. ${a.action} ${a.quantity} ${a.symbol.split("/")[0]} limit ${a.limitPrice} (≈ ${a.notional.toFixed(2)} ${a.symbol.split("/")[1] ?? ""}, target ${(a.targetWeight * 100).toFixed(1)}%)` +
        (a.stopLoss !== null ? `; then stop-loss at ${a.stopLoss}` : "") +
        (a.takeProfit !== null ? `, take-profit at ${a.takeProfit}` : ""),
    );
  });
  return lines.filter((l) => l !== "").join("\n");
}
