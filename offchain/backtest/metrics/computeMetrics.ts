import type { Fill } from "../../engine/ExecutionVenue.js";
import { closedTrades } from "./closedTrades.js";
import { drawdownSeries } from "./drawdownSeries.js";
import { periodReturns } from "./periodReturns.js";

/** Performance figures of one equity curve. Undefined ratios are null, never NaN or ±Infinity. */
export interface PerformanceMetrics {
  readonly start: number;
  readonly end: number;
  readonly initialEquity: number;
  readonly finalEquity: number;
  readonly totalReturn: number;
  readonly cagr: number;
  readonly annualVolatility: number;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  readonly calmar: number | null;
  readonly maxDrawdown: number;
  /** Closed trades with positive P&L / closed trades; null without trades. */
  readonly winRate: number | null;
  /** Gross profit / gross loss of closed trades; null without losing trades. */
  readonly profitFactor: number | null;
  readonly trades: number;
  /** Traded notional / average equity, per year. */
  readonly turnover: number;
  /** Average gross exposure / equity over the steps. */
  readonly exposure: number;
  readonly feesPaid: number;
}

export interface MetricsInput {
  readonly times: readonly number[];
  readonly equity: readonly number[];
  readonly periodsPerYear: number;
  readonly fills?: readonly Fill[];
  /** Gross exposure (Σ|position value|) per step, same length as equity. */
  readonly gross?: readonly number[];
}

/**
 * Sharpe and Sortino are annualised from per-step returns with a zero risk-free rate (crypto has
 * no canonical one); Sortino uses the downside deviation over all steps; Calmar = CAGR / max
 * drawdown.
 *
 * @example
 * const m = computeMetrics({ times, equity, periodsPerYear: 365, fills });
 */
export function computeMetrics(input: MetricsInput): PerformanceMetrics {
  const { equity, times, periodsPerYear } = input;
  const n = equity.length;
  const first = equity[0] ?? 0;
  const last = equity[n - 1] ?? 0;
  const rets = periodReturns(equity);
  const mean = rets.length ? rets.reduce((a, b) => a + b, 0) / rets.length : 0;
  let ss = 0;
  let down = 0;
  for (const r of rets) {
    ss += (r - mean) ** 2;
    if (r < 0) down += r * r;
  }
  const sd = rets.length > 1 ? Math.sqrt(ss / (rets.length - 1)) : 0;
  const dsd = rets.length > 0 ? Math.sqrt(down / rets.length) : 0;
  const years = n > 1 ? (times[n - 1]! - times[0]!) / (365 * 86_400_000) : 0;
  const totalReturn = first > 0 ? Math.max(-1, last / first - 1) : 0;
  const cagr =
    years > 0 && totalReturn > -1 ? Math.pow(1 + totalReturn, 1 / years) - 1 : totalReturn > -1 ? 0 : -1;
  const maxDrawdown = drawdownSeries(equity).reduce((a, b) => Math.max(a, b), 0);
  const trades = closedTrades(input.fills ?? []);
  let wins = 0;
  let gain = 0;
  let loss = 0;
  for (const t of trades) {
    if (t.pnl > 0) {
      wins++;
      gain += t.pnl;
    } else loss -= t.pnl;
  }
  let traded = 0;
  let fees = 0;
  for (const f of input.fills ?? []) {
    traded += f.quantity * f.price;
    fees += f.fee;
  }
  const avgEquity = n ? equity.reduce((a, b) => a + Math.max(0, b), 0) / n : 0;
  let exposure = 0;
  if (input.gross && n)
    for (let i = 0; i < n; i++) exposure += equity[i]! > 0 ? input.gross[i]! / equity[i]! / n : 0;
  const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);
  return {
    start: times[0] ?? 0,
    end: times[n - 1] ?? 0,
    initialEquity: first,
    finalEquity: last,
    totalReturn,
    cagr,
    annualVolatility: sd * Math.sqrt(periodsPerYear),
    sharpe: sd > 0 ? (mean / sd) * Math.sqrt(periodsPerYear) : null,
    sortino: dsd > 0 ? (mean / dsd) * Math.sqrt(periodsPerYear) : null,
    calmar: maxDrawdown > 0 ? finite(cagr / maxDrawdown) : null,
    maxDrawdown,
    winRate: trades.length ? wins / trades.length : null,
    profitFactor: loss > 0 ? gain / loss : null,
    trades: trades.length,
    turnover: avgEquity > 0 && years > 0 ? traded / avgEquity / years : 0,
    exposure,
    feesPaid: fees,
  };
}
