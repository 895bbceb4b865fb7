/** What the data-quality checker found in one asset's rows, and what it did about each. */
export type DataQualityIssueKind =
  | "out-of-order" // a row earlier than the row before it; the rows were sorted
  | "duplicate-timestamp" // a timestamp repeated; the first row kept, the others dropped
  | "non-finite" // a value that is NaN or infinite; row dropped
  | "non-positive-price" // open/high/low/close ≤ 0; row dropped
  | "ohlc-inconsistent" // high < low, or open/close outside [low, high]; row dropped
  | "negative-volume" // row dropped
  | "misaligned-timestamp" // not a multiple of the bar length; row dropped
  | "spike" // a bar far from both neighbours that reverts (e.g. ×100 for one bar); row dropped
  | "gap"; // more than `maxGapBars` bars missing; kept as a hole, never filled

export const DATA_QUALITY_ISSUE_KINDS: readonly DataQualityIssueKind[] = [
  "out-of-order",
  "duplicate-timestamp",
  "non-finite",
  "non-positive-price",
  "ohlc-inconsistent",
  "negative-volume",
  "misaligned-timestamp",
  "spike",
  "gap",
];

/** What was done: rows sorted into time order, dropped, or kept and flagged. */
export type DataQualityAction = "sorted" | "dropped" | "flagged";

export interface DataQualityIssue {
  readonly kind: DataQualityIssueKind;
  /** Where the row came from: a file line ("…/BTC-USDT.csv:17") or a stored row ("store row 12"). */
  readonly row: string;
  /** The row's timestamp (ms), when it had a usable one. */
  readonly timestamp: number | null;
  readonly detail: string;
  readonly action: DataQualityAction;
}

export interface AssetDataQuality {
  readonly symbol: string;
  /** Where the rows came from (a file path or a store key). */
  readonly origin: string;
  readonly rowsRead: number;
  readonly rowsKept: number;
  /** Count of every issue by kind (all kinds present, zeros included). */
  readonly counts: Readonly<Record<DataQualityIssueKind, number>>;
  /** The first few issues of each kind, with their row references (counts are complete). */
  readonly examples: readonly DataQualityIssue[];
}

/** Issues of all kinds in one asset. */
export function issueCount(q: AssetDataQuality): number {
  return Object.values(q.counts).reduce((a, b) => a + b, 0);
}
