import { DATA_QUALITY_ISSUE_KINDS, issueCount } from "./DataQualityReport.js";
import type { AssetDataQuality, DataQualityIssueKind } from "./DataQualityReport.js";

/** How each kind reads in a summary line, with the action taken. */
export const ISSUE_LABEL: Readonly<Record<DataQualityIssueKind, string>> = {
  "out-of-order": "out of order (sorted)",
  "duplicate-timestamp": "duplicate timestamps (first kept, rest dropped)",
  "non-finite": "non-finite values (dropped)",
  "non-positive-price": "non-positive prices (dropped)",
  "ohlc-inconsistent": "OHLC inconsistent (dropped)",
  "negative-volume": "negative volume (dropped)",
  "misaligned-timestamp": "misaligned timestamps (dropped)",
  spike: "spikes that revert (dropped, left as holes)",
  gap: "gaps (kept as holes, not filled)",
};

/** One line per asset with issues ("BTC/USDT: 2329 rows, 2319 kept; 2 out of order (sorted), …"). */
export function formatDataQuality(assets: readonly AssetDataQuality[]): string[] {
  const bad = assets.filter((a) => issueCount(a) > 0);
  if (bad.length === 0) return [`data quality: ${assets.length} asset(s) checked, no issues`];
  const lines = [`data quality: ${bad.length} of ${assets.length} asset(s) with issues`];
  for (const a of bad) {
    const parts = DATA_QUALITY_ISSUE_KINDS.filter((k) => a.counts[k] > 0).map(
      (k) => `${a.counts[k]} ${ISSUE_LABEL[k]}`,
    );
    lines.push(`  ${a.symbol}: ${a.rowsRead} rows read, ${a.rowsKept} kept; ${parts.join(", ")}`);
    const first = a.examples[0];
    if (first) lines.push(`    first: ${first.row} ${first.kind}: ${first.detail}`);
  }
  return lines;
}
