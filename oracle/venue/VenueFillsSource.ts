/**
 * One venue trade, in on-chain units: converted with `tradeToFillUnits` (and, for ccxt venues,
 * `venueTradeOf`), exactly as the execution engine converts the trades it reports, so a reported
 * fill and the venue's trade it came from are equal field by field.
 */
export interface VenueFill {
  venueOrderId: string;
  clientOrderId: string;
  asset: number;
  /** Signed base quantity, 8 decimals (+ buy, - sell). */
  quantityE8: bigint;
  priceE8: bigint;
  /** Quote currency, 8 decimals. */
  feeE8: bigint;
  /** Seconds. */
  timestamp: bigint;
}

/** The venue's own record of trades, so a node can check an execution report against it. */
export interface VenueFillsSource {
  /**
   * Every trade of one order on `asset`'s market, one entry per venue trade (never aggregated: an
   * order that filled in three trades gives three entries). Resolves to `[]` when the venue knows no
   * trade of it (an unknown order, or one not filled yet); rejects when the venue cannot be read.
   */
  tradesForOrder(venueOrderId: string, asset: number): Promise<VenueFill[]>;
}
