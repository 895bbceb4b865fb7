import type { StaleEvent } from "../backtest/BacktestResult.js";
import type { AssetDataQuality } from "../data/quality/DataQualityReport.js";
import { formatDataQuality } from "../data/quality/formatDataQuality.js";

const day = (t: number): string => new Date(t).toISOString().replace(":00:00.000Z", "h").replace("T00h", "");

/** Command-output lines for what the data-quality checks found and the assets that stopped trading. */
export function dataQualityLines(
  quality: readonly AssetDataQuality[],
  stale: readonly StaleEvent[] = [],
  staleAfterBars?: number,
): string[] {
  const lines = formatDataQuality(quality);
  for (const e of stale)
    lines.push(
      `stale: ${e.symbol} no candle after ${day(e.lastCandleClose)} (silent > ${staleAfterBars ?? "?"} bars): ` +
        (e.quantity !== 0
          ? `position ${e.quantity.toPrecision(6)} written down by ${e.writtenDown.toFixed(2)} (last close ${e.lastClose}) from ${day(e.staleFrom)}`
          : `no position; no new weight from ${day(e.staleFrom)}`) +
        (e.resumedAt === null ? "; never traded again" : `; traded again ${day(e.resumedAt)}`),
    );
  return lines;
}
