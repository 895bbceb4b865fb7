import type { BacktestAnalysis } from "../backtest/analyzeBacktest.js";
import { DATA_QUALITY_ISSUE_KINDS } from "../data/quality/DataQualityReport.js";
import { ISSUE_LABEL } from "../data/quality/formatDataQuality.js";
import { esc, isoDate } from "./svgPrimitives.js";

/**
 * The report's data-quality section: per asset, rows read and kept and the count of each issue
 * kind with what was done about it (sorted, dropped, flagged), the first rows concerned, and the
 * assets that stopped trading (written down while silent). Older analyses without these fields
 * say so instead of showing an empty, clean-looking table.
 */
export function dataQualitySection(a: Partial<Pick<BacktestAnalysis, "dataQuality" | "stale">>): string {
  if (!a.dataQuality)
    return `<h2>Data quality</h2><p>Not recorded for this run (written by an older version).</p>`;
  const kinds = DATA_QUALITY_ISSUE_KINDS.filter((k) => a.dataQuality!.some((q) => q.counts[k] > 0));
  const head = `<tr><th>asset</th><th>rows read</th><th>rows kept</th>${kinds.map((k) => `<th>${esc(ISSUE_LABEL[k])}</th>`).join("")}</tr>`;
  const rows = a.dataQuality
    .map(
      (q) =>
        `<tr><td>${esc(q.symbol)}</td><td>${q.rowsRead}</td><td>${q.rowsKept}</td>${kinds.map((k) => `<td>${q.counts[k]}</td>`).join("")}</tr>`,
    )
    .join("");
  const examples = a.dataQuality.flatMap((q) =>
    q.examples.map(
      (e) => `<li>${esc(q.symbol)} ${esc(e.row)}: ${esc(e.kind)} — ${esc(e.detail)} (${esc(e.action)})</li>`,
    ),
  );
  const verdict =
    kinds.length === 0
      ? `<p>All ${a.dataQuality.length} assets passed every check (order, duplicates, prices, OHLC, gaps, spikes).</p>`
      : `<p>Rows out of order were sorted; duplicate timestamps kept their first row; impossible rows and one-bar spikes that revert were dropped (left as holes, never filled); gaps were kept as holes. <code>--strict</code> refuses all of these.</p>`;
  const stale = a.stale?.events ?? [];
  const staleHtml =
    stale.length === 0
      ? `<p>No asset stopped trading for more than ${a.stale?.afterBars ?? "?"} bars.</p>`
      : `<p>Assets silent for more than ${a.stale!.afterBars} bars are stale: not marked at their last price, no new weight, out of the benchmarks. A position held in one cannot be exited without a market, so it is written down to zero until the asset trades again.</p>
<table><tr><th>asset</th><th>last candle</th><th>stale from</th><th>position</th><th>written down</th><th>traded again</th></tr>${stale
          .map(
            (e) =>
              `<tr><td>${esc(e.symbol)}</td><td>${isoDate(e.lastCandleClose)}</td><td>${isoDate(e.staleFrom)}</td><td>${e.quantity.toPrecision(6)}</td><td>${e.writtenDown.toFixed(2)}</td><td>${e.resumedAt === null ? "never" : isoDate(e.resumedAt)}</td></tr>`,
          )
          .join("")}</table>`;
  return `<h2>Data quality</h2>
${verdict}
<table>${head}${rows}</table>
${examples.length ? `<ul>${examples.join("")}</ul>` : ""}
<h3>Assets that stopped trading</h3>
${staleHtml}`;
}
