import type { DataQualityConfig } from "../data/quality/DataQualityConfig.js";
import { issueCount } from "../data/quality/DataQualityReport.js";
import type { AssetDataQuality } from "../data/quality/DataQualityReport.js";
import { formatDataQuality } from "../data/quality/formatDataQuality.js";
import { DataQualityError } from "./errors.js";

/**
 * Under `strict`, any data-quality issue in any asset is a `DataQualityError` listing them all;
 * otherwise nothing happens here (the loaders already sorted, dropped or flagged, and the report
 * travels with each series to the command output and the run report).
 */
export function enforceDataQuality(assets: readonly AssetDataQuality[], config: DataQualityConfig): void {
  if (!config.strict) return;
  const bad = assets.filter((a) => issueCount(a) > 0);
  if (bad.length === 0) return;
  throw new DataQualityError(
    `--strict: the data has issues in ${bad.map((a) => a.symbol).join(", ")}\n${formatDataQuality(assets).join("\n")}`,
    bad,
    { hint: "fix the data, or run without --strict to sort/drop/flag them as reported" },
  );
}
