/** The venue account's equity, in the vault asset's own decimals. */
export interface VenueBalanceSource {
  equity(): Promise<bigint>;
}
