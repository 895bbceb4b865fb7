/**
 * What the indexer keeps per on-chain event. Amounts and hashes stay exact: uint256/int256 values
 * are decimal strings (no floats across the boundary), timestamps are the block's, in seconds.
 */

/** Where an event sits on chain. */
export interface EventLocation {
  readonly blockNumber: number;
  readonly logIndex: number;
  readonly transactionHash: string;
  /** Block timestamp, seconds. */
  readonly blockTimestamp: number;
}

/** One `SigilVault.EpochSettled`: the NAV and share price an epoch settled at. */
export interface NavPoint extends EventLocation {
  readonly epoch: number;
  readonly navSequence: number;
  readonly reportHash: string;
  readonly totalAssets: string;
  readonly totalSupply: string;
  /** Assets per whole share, 1e18 scale. */
  readonly pricePerShare: string;
  readonly depositAssets: string;
  readonly depositShares: string;
  readonly redeemShares: string;
  readonly redeemAssets: string;
}

/** One asset lane of packed target weights. */
export interface TargetWeight {
  readonly asset: number;
  readonly symbol: string | null;
  readonly weightBps: number;
}

/** One `TradeLedger.SignalAccepted` or `SignalRejected`. */
export interface SignalEntry extends EventLocation {
  readonly sequence: number;
  readonly reportHash: string;
  readonly status: "accepted" | "rejected";
  /** Violation code (0 when accepted) and its name (`IRiskPolicy.Violation`). */
  readonly reason: { readonly code: number; readonly name: string };
  readonly runHash: string;
  readonly inputsHash: string;
  readonly modelHash: string;
  /** Decision time, seconds. */
  readonly decisionTime: number;
  readonly flags: number;
  /** Packed targets as a decimal uint256, and decoded per asset (zero lanes omitted). */
  readonly targetsPacked: string;
  readonly targets: readonly TargetWeight[];
  /** Ledger hash-chain head after this link. */
  readonly head: string;
}

/** One `TradeLedger.TradeRecorded`: a fill with its decoded violation bits. */
export interface TradeEntry extends EventLocation {
  readonly executionSequence: number;
  readonly signalSequence: number;
  readonly asset: number;
  readonly symbol: string | null;
  readonly fillHash: string;
  readonly quantityE8: string;
  readonly priceE8: string;
  readonly feeE8: string;
  readonly orderRef: string;
  /** Fill time, seconds. */
  readonly fillTime: number;
  readonly positionE8: string;
  readonly violations: { readonly mask: number; readonly names: readonly string[] };
  readonly head: string;
}
