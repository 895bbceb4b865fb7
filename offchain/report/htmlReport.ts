import type { BacktestAnalysis } from "../backtest/analyzeBacktest.js";
import { drawdownSeries } from "../backtest/metrics/drawdownSeries.js";
import type { PerformanceMetrics } from "../backtest/metrics/computeMetrics.js";
import { allocationChart } from "./allocationChart.js";
import { dataQualitySection } from "./dataQualitySection.js";
import { lineChart } from "./lineChart.js";
import type { PeriodRow } from "./periodicReport.js";
import { esc, isoDate } from "./svgPrimitives.js";

export interface HtmlReportInput {
  readonly title: string;
  readonly runId: string;
  readonly runLogHead: string;
  readonly equity: ReadonlyArray<{ readonly time: number; readonly equity: number }>;
  readonly decisions: ReadonlyArray<{
    readonly timestamp: number;
    readonly weights: Readonly<Record<string, number>>;
  }>;
  readonly analysis: BacktestAnalysis;
  readonly monthly: readonly PeriodRow[];
  /** Free-form settings shown at the top (strategy, execution, impact model). */
  readonly settings: unknown;
}

const pct = (x: number | null | undefined): string =>
  x === null || x === undefined ? "—" : `${(x * 100).toFixed(2)}%`;
const num = (x: number | null | undefined): string => (x === null || x === undefined ? "—" : x.toFixed(2));

function metricRows(cols: ReadonlyArray<[string, PerformanceMetrics | null]>): string {
  const rows: Array<[string, (m: PerformanceMetrics) => string]> = [
    ["Total return", (m) => pct(m.totalReturn)],
    ["CAGR", (m) => pct(m.cagr)],
    ["Annual volatility", (m) => pct(m.annualVolatility)],
    ["Sharpe", (m) => num(m.sharpe)],
    ["Sortino", (m) => num(m.sortino)],
    ["Calmar", (m) => num(m.calmar)],
    ["Max drawdown", (m) => pct(m.maxDrawdown)],
    ["Win rate", (m) => pct(m.winRate)],
    ["Profit factor", (m) => num(m.profitFactor)],
    ["Closed trades", (m) => String(m.trades)],
    ["Turnover / year", (m) => num(m.turnover)],
    ["Exposure", (m) => pct(m.exposure)],
    ["Fees", (m) => m.feesPaid.toFixed(2)],
  ];
  const head = `<tr><th></th>${cols.map(([n]) => `<th>${esc(n)}</th>`).join("")}</tr>`;
  return (
    head +
    rows
      .map(
        ([label, f]) =>
          `<tr><td>${label}</td>${cols.map(([, m]) => `<td>${m ? f(m) : "—"}</td>`).join("")}</tr>`,
      )
      .join("")
  );
}

/**
 * Self-contained HTML backtest report: settings, metrics against the benchmarks, equity (log),
 * drawdown and allocation charts as inline SVG, risk (VaR/CVaR, correlation, concentration),
 * crash-window stress results and the monthly table. No scripts, no external assets.
 */
export function htmlReport(r: HtmlReportInput): string {
  const times = r.equity.map((p) => p.time);
  const eq = r.equity.map((p) => p.equity);
  const a = r.analysis;
  const series = [{ name: "strategy", color: "#1f77b4", values: eq }];
  if (a.curves.buyAndHoldBtc && a.curves.buyAndHoldBtc.length === eq.length)
    series.push({ name: "buy & hold BTC", color: "#ff7f0e", values: [...a.curves.buyAndHoldBtc] });
  if (a.curves.equalWeight.length === eq.length)
    series.push({ name: "equal weight", color: "#2ca02c", values: [...a.curves.equalWeight] });
  const equitySvg = lineChart({ title: "Equity (log scale)", times, series, log: true });
  const ddSvg = lineChart({
    title: "Drawdown",
    times,
    series: [
      { name: "strategy drawdown", color: "#d62728", values: drawdownSeries(eq).map((d) => -d), fill: true },
    ],
    percent: true,
    height: 220,
  });
  const allocSvg = allocationChart(
    r.decisions.map((d) => ({ time: d.timestamp, weights: d.weights })),
    "Allocation at each decision",
  );
  const v = a.risk;
  const corr = v.correlation;
  const corrTable =
    corr.symbols.length <= 12
      ? `<table><tr><th></th>${corr.symbols.map((s) => `<th>${esc(s)}</th>`).join("")}</tr>${corr.matrix
          .map(
            (row, i) =>
              `<tr><th>${esc(corr.symbols[i]!)}</th>${row.map((c) => `<td>${c.toFixed(2)}</td>`).join("")}</tr>`,
          )
          .join("")}</table>`
      : "";
  const last = r.decisions.at(-1);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)}</title>
<style>body{font-family:DejaVu Sans,Arial,sans-serif;margin:24px;color:#222;max-width:960px}table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right;font-size:13px}th{background:#f4f4f4}td:first-child{text-align:left}code,pre{font-size:12px;background:#f7f7f7}pre{padding:8px;overflow:auto}</style>
</head><body>
<h1>${esc(r.title)}</h1>
<p>Run <code>${esc(r.runId)}</code>, ${isoDate(times[0] ?? 0)} → ${isoDate(times.at(-1) ?? 0)}, ${r.decisions.length} decisions. Run-log head <code>${esc(r.runLogHead)}</code> (check with <code>sigil verify-log</code>).</p>
<p>${
    a.period
      ? `Metrics and benchmarks from ${isoDate(a.period.from)} (${a.period.basis === "requested-start" ? "the requested start; the strategy holds cash until its first decision" : "the first decision, after warm-up"}), first decision ${a.period.firstDecision === null ? "none" : isoDate(a.period.firstDecision)}.`
      : ""
  }</p>
<h2>Performance</h2>
<table>${metricRows([
    ["Strategy", a.strategy],
    ["Buy & hold BTC", a.benchmarks.buyAndHoldBtc],
    ["Equal weight", a.benchmarks.equalWeight],
  ])}</table>
${equitySvg}
${ddSvg}
${allocSvg}
<h2>Risk</h2>
<table><tr><th></th><th>historical VaR</th><th>historical CVaR</th><th>parametric VaR</th><th>parametric CVaR</th></tr>
<tr><td>95 %, one period</td><td>${pct(v.var95.historicalVar)}</td><td>${pct(v.var95.historicalCvar)}</td><td>${pct(v.var95.parametricVar)}</td><td>${pct(v.var95.parametricCvar)}</td></tr>
<tr><td>99 %, one period</td><td>${pct(v.var99.historicalVar)}</td><td>${pct(v.var99.historicalCvar)}</td><td>${pct(v.var99.parametricVar)}</td><td>${pct(v.var99.parametricCvar)}</td></tr></table>
<p>Concentration (HHI): latest ${v.concentration.latestHhi.toFixed(3)} (≈ ${v.concentration.latestEffectiveN.toFixed(1)} equal positions), average ${v.concentration.averageHhi.toFixed(3)}. Average pairwise correlation of ${corr.symbols.length} assets over ${corr.observations} periods: ${corr.averageCorrelation.toFixed(2)}.</p>
${corrTable}
<h2>Stress windows (real crashes)</h2>
<table><tr><th>window</th><th>strategy return</th><th>strategy max DD</th><th>latest weights replayed</th><th>BTC</th></tr>
${v.stress.map((s) => `<tr><td>${esc(s.name)}</td><td>${pct(s.strategyReturn)}</td><td>${pct(s.strategyMaxDrawdown)}</td><td>${pct(s.replayReturn)}</td><td>${pct(s.btcReturn)}</td></tr>`).join("")}</table>
<h2>Latest decision</h2>
<p>${
    last
      ? `${isoDate(last.timestamp)}: ${
          Object.entries(last.weights)
            .map(([s, w]) => `${esc(s)} ${(w * 100).toFixed(1)}%`)
            .join(", ") || "all cash"
        }`
      : "none"
  }</p>
<h2>Monthly</h2>
<table><tr><th>month</th><th>return</th><th>max DD</th><th>win rate</th><th>profit factor</th><th>trades</th><th>predicted</th><th>actual</th></tr>
${r.monthly.map((m) => `<tr><td>${new Date(m.from).toISOString().slice(0, 7)}</td><td>${pct(m.return)}</td><td>${pct(m.maxDrawdown)}</td><td>${pct(m.winRate)}</td><td>${num(m.profitFactor)}</td><td>${m.trades}</td><td>${pct(m.predictedReturn)}</td><td>${pct(m.actualReturn)}</td></tr>`).join("")}</table>
${dataQualitySection(a)}
<h2>Settings</h2>
<pre>${esc(JSON.stringify(r.settings, null, 2))}</pre>
</body></html>
`;
}
