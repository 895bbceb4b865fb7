import { OracleError } from "../errors/OracleError.js";

/** Why a node refused to sign a proposal; the value is the `reason` label of the refusal metric. */
export const RefusalReason = {
  Schema: "schema",
  DeadlineTooSoon: "deadline_too_soon",
  DeadlineTooFar: "deadline_too_far",
  TimestampInFuture: "timestamp_in_future",
  TimestampTooOld: "timestamp_too_old",
  TimestampOutOfOrder: "timestamp_out_of_order",
  ConfigDigest: "config_digest",
  StaleSequence: "stale_sequence",
  NotOperator: "not_operator",
  ReferencePriceMissing: "reference_price_missing",
  FeedInvalid: "feed_invalid",
  FeedStale: "feed_stale",
  FeedDeviation: "feed_deviation",
  TickerDeviation: "ticker_deviation",
  RiskPolicy: "risk_policy",
  RecomputeMismatch: "recompute_mismatch",
  RecomputeUnavailable: "recompute_unavailable",
  SnapshotInvalid: "snapshot_invalid",
  SignalUnknown: "signal_unknown",
  FillMismatch: "fill_mismatch",
  DuplicateFill: "duplicate_fill",
  FillAlreadyRecorded: "fill_already_recorded",
  WrongEpoch: "wrong_epoch",
  WrongVault: "wrong_vault",
  ValuedBeforeCutoff: "valued_before_cutoff",
  EquityMismatch: "equity_mismatch",
  CustodyMismatch: "custody_mismatch",
  Equivocation: "equivocation",
  ChainUnavailable: "chain_unavailable",
  VenueUnavailable: "venue_unavailable",
} as const;
export type RefusalReason = (typeof RefusalReason)[keyof typeof RefusalReason];

/** A proposal the node will not sign, with the typed reason and a human-readable detail. */
export class ProposalRefused extends OracleError {
  override name = "ProposalRefused";
  constructor(
    readonly reason: RefusalReason,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`refused (${reason}): ${detail}`, detail, options);
  }

  /** Whether the engine may send the same proposal again later (a dependency was down). */
  get retryable(): boolean {
    return this.reason === RefusalReason.ChainUnavailable || this.reason === RefusalReason.VenueUnavailable;
  }
}
