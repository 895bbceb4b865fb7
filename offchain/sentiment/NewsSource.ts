import type { Headline } from "./Headline.js";

/** Half-open time range [from, to) in ms UTC. */
export interface TimeRange {
  readonly from: number;
  readonly to: number;
}

/**
 * A source of headlines (CSV sample, HTTP news API, …). Implementations return items sorted by
 * timestamp and inside the range, and throw `NewsSourceRetryableError` / `NewsSourceFatalError`.
 */
export interface NewsSource {
  readonly name: string;
  fetchHeadlines(range: TimeRange, options?: { currencies?: readonly string[] }): Promise<Headline[]>;
}
