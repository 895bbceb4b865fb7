/** One news item as every source adapter delivers it. */
export interface Headline {
  /** Publication time, ms UTC (day resolution for the CSV sample). */
  readonly timestamp: number;
  /** Publisher, e.g. "Cointelegraph". */
  readonly source: string;
  readonly text: string;
  /** Assets the source itself tagged (e.g. CryptoPanic's `currencies`), base symbols like "BTC". */
  readonly tagged?: readonly string[];
}
