import type { Fill } from "../engine/ExecutionVenue.js";
import { closedTrades } from "../backtest/metrics/closedTrades.js";
import { drawdownSeries } from "../backtest/metrics/drawdownSeries.js";

export type ReportPeriod = "weekly" | "monthly";

export interface PeriodRow {
  readonly from: number;
  /** Exclusive end. */
  readonly to: number;
  readonly return: number;
  readonly maxDrawdown: number;
  readonly winRate: number | null;
  readonly profitFactor: number | null;
  readonly trades: number;
  /** Compounded estimated return of the decisions taken in the period. */
  readonly predictedReturn: number | null;
  /** Compounded realised return of those decisions (from amendments), when known. */
  readonly actualReturn: number | null;
}

export interface PeriodicInput {
  readonly equity: ReadonlyArray<{ readonly time: number; readonly equity: number }>;
  readonly decisions: ReadonlyArray<{
    readonly timestamp: number;
    readonly estimatedReturn: number;
    readonly actualReturn: number | null;
  }>;
  readonly fills: readonly Fill[];
  readonly from?: number;
  readonly to?: number;
}

const DAY = 86_400_000;

/** Start of the UTC week (Monday) or month containing `t`. */
export function periodStart(t: number, period: ReportPeriod): number {
  const d = new Date(t);
  if (period === "monthly") return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const day = Math.floor(t / DAY) * DAY;
  return day - ((d.getUTCDay() + 6) % 7) * DAY;
}

function nextStart(t: number, period: ReportPeriod): number {
  const d = new Date(t);
  return period === "monthly" ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) : t + 7 * DAY;
}

/**
 * Weekly or monthly performance from X to Y: return (from the last equity before the period to the
 * last inside it), drawdown inside the period, win rate and profit factor of trades closed in it,
 * and predicted vs actual return of the decisions taken in it.
 *
 * @example
 * periodicReport({ equity, decisions, fills }, "monthly")[0]; // { from, to, return, maxDrawdown, ... }
 */
export function periodicReport(input: PeriodicInput, period: ReportPeriod): PeriodRow[] {
  const eq = input.equity.filter(
    (p) =>
      (input.from === undefined || p.time >= input.from) && (input.to === undefined || p.time <= input.to),
  );
  if (eq.length === 0) return [];
  const trades = closedTrades(input.fills);
  const rows: PeriodRow[] = [];
  let prev = eq[0]!.equity;
  let i = 0;
  for (let start = periodStart(eq[0]!.time, period); i < eq.length; start = nextStart(start, period)) {
    const end = nextStart(start, period);
    const inside: number[] = [prev];
    while (i < eq.length && eq[i]!.time < end) inside.push(eq[i++]!.equity);
    if (inside.length === 1) continue;
    const last = inside.at(-1)!;
    const tr = trades.filter((t) => t.time >= start && t.time < end);
    const gain = tr.filter((t) => t.pnl > 0).reduce((a, t) => a + t.pnl, 0);
    const loss = -tr.filter((t) => t.pnl <= 0).reduce((a, t) => a + t.pnl, 0);
    const ds = input.decisions.filter((d) => d.timestamp >= start && d.timestamp < end);
    const known = ds.filter((d) => d.actualReturn !== null);
    rows.push({
      from: start,
      to: end,
      return: prev > 0 ? last / prev - 1 : 0,
      maxDrawdown: Math.max(0, ...drawdownSeries(inside)),
      winRate: tr.length ? tr.filter((t) => t.pnl > 0).length / tr.length : null,
      profitFactor: loss > 0 ? gain / loss : null,
      trades: tr.length,
      predictedReturn: ds.length ? ds.reduce((a, d) => a * (1 + d.estimatedReturn), 1) - 1 : null,
      actualReturn: known.length ? known.reduce((a, d) => a * (1 + d.actualReturn!), 1) - 1 : null,
    });
    prev = last;
  }
  return rows;
}

/** Plain-text table of periodic rows for terminals and e-mails. */
export function formatPeriodicReport(rows: readonly PeriodRow[], period: ReportPeriod): string {
  const pct = (x: number | null): string => (x === null ? "—" : `${(x * 100).toFixed(2)}%`);
  const head = ["from", "to", "return", "max DD", "win rate", "profit f.", "trades", "predicted", "actual"];
  const lines = rows.map((r) => [
    new Date(r.from).toISOString().slice(0, 10),
    new Date(r.to - DAY).toISOString().slice(0, 10),
    pct(r.return),
    pct(r.maxDrawdown),
    pct(r.winRate),
    r.profitFactor === null ? "—" : r.profitFactor.toFixed(2),
    String(r.trades),
    pct(r.predictedReturn),
    pct(r.actualReturn),
  ]);
  const widths = head.map((h, j) => Math.max(h.length, ...lines.map((l) => l[j]!.length)));
  const fmt = (cells: readonly string[]): string => cells.map((c, j) => c.padStart(widths[j]!)).join("  ");
  return [`${period} performance`, fmt(head), ...lines.map(fmt)].join("\n");
}
