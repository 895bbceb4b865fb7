/** Cumulative custody transfers of the vault asset, as the venue's ledger shows them (token units). */
export interface VenueCustody {
  /** Vault → venue transfers the account was credited with. */
  credited: bigint;
  /** Venue → vault transfers debited from the account. */
  debited: bigint;
}

/** The venue account's equity and custody transfers, in the vault asset's own decimals. */
export interface VenueBalanceSource {
  equity(): Promise<bigint>;
  custody(): Promise<VenueCustody>;
}
