/** One fill as the venue reports it, in on-chain units. */
export interface VenueFill {
  venueOrderId: string;
  clientOrderId: string;
  asset: number;
  /** Signed base quantity, 8 decimals (+ buy, - sell). */
  quantityE8: bigint;
  priceE8: bigint;
  feeE8: bigint;
  /** Seconds. */
  timestamp: bigint;
}

/** The venue's own record of fills, so a node can check an execution report against it. */
export interface VenueFillsSource {
  /** The fill aggregated over one order, or null when the venue knows no fill for it. */
  fillForOrder(venueOrderId: string, asset: number): Promise<VenueFill | null>;
}
