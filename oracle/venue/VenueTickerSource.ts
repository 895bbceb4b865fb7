/** Last traded price of an asset on the venue, 8 decimals. */
export interface VenueTickerSource {
  /** Throws when the venue cannot be reached (the node refuses with `venue_unavailable`). */
  lastPriceE8(asset: number): Promise<bigint>;
}
