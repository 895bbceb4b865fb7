import type { CandleStore } from "../data/CandleStore.js";
import { checkCandleQuality } from "../data/quality/checkCandleQuality.js";
import { parseDataQualityConfig } from "../data/quality/DataQualityConfig.js";
import type { DataQualityConfig } from "../data/quality/DataQualityConfig.js";
import { TIMEFRAME_MS } from "../types/market.js";
import type { CandleSeries, Timeframe } from "../types/market.js";
import type { CandleHistorySource } from "./CandleHistorySource.js";
import { enforceDataQuality } from "./enforceDataQuality.js";
import { MarketDataError } from "./errors.js";

/**
 * Offline candles from a data-layer `CandleStore` (what `sigil ingest` wrote): the store is read,
 * never the network, so backtests and decisions over ingested exchange data stay replayable. The
 * series' source is the venue it was ingested from. The stored rows pass the same data-quality
 * checker as the CSV files (spikes, gaps, impossible rows; `quality.strict` refuses them).
 *
 * @example
 * const source = new StoreCandleSource(new SqliteCandleStore(".sigil/candles.sqlite"), "weex");
 */
export class StoreCandleSource implements CandleHistorySource {
  readonly kind = "offline" as const;
  readonly name: string;

  constructor(
    private readonly store: CandleStore,
    private readonly venue: string,
    private readonly quality: DataQualityConfig = parseDataQualityConfig(),
  ) {
    this.name = `store:${venue}`;
  }

  async load(timeframe: Timeframe, symbols?: readonly string[]): Promise<CandleSeries[]> {
    const stored = (await this.store.list()).filter(
      (s) => s.source === this.venue && s.timeframe === timeframe,
    );
    const available = [...new Set(stored.map((s) => s.symbol))].sort();
    const wanted = [...(symbols ?? available)].sort();
    const out: CandleSeries[] = [];
    for (const symbol of wanted) {
      if (!available.includes(symbol))
        throw new MarketDataError(`no ${timeframe} candles for ${symbol} from ${this.venue} in the store`, {
          hint: `ingest them first (sigil ingest); stored: ${available.join(", ") || "none"}`,
        });
      const s = await this.store.read({ source: this.venue, symbol, timeframe }, 0, Number.MAX_SAFE_INTEGER);
      const { candles, quality } = checkCandleQuality(
        symbol,
        `store ${this.venue} ${symbol} ${timeframe}`,
        s.candles.map((candle, i) => ({ candle, row: `store row ${i + 1}` })),
        TIMEFRAME_MS[timeframe],
        this.quality,
      );
      out.push({
        symbol,
        timeframe,
        source: `${this.name}@${s.dataVersion}`,
        schemaVersion: s.schemaVersion,
        candles,
        flags: [],
        quality,
      });
    }
    enforceDataQuality(
      out.map((x) => x.quality!),
      this.quality,
    );
    return out;
  }
}
