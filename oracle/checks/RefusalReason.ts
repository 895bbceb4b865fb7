import { OracleError } from "../errors/OracleError.js";

/** Why a node refused to sign a proposal; the value is the `reason` label of the refusal metric. */
export const RefusalReason = {
  // The request itself, checked before anything else is read (oracle/auth/ProposalAuthenticator.ts).
  /** No envelope, or a header missing or malformed. */
  Unauthenticated: "unauthenticated",
  /** The claimed proposer is not an engine this node is configured to accept. */
  UnknownProposer: "unknown_proposer",
  /** The envelope is for another node. */
  WrongAudience: "wrong_audience",
  /** The signature does not recover to the claimed proposer over this body, stream, node and deployment. */
  BadSignature: "bad_signature",
  /** Issued longer ago than `auth.maxRequestAgeMs`, or before what the replay store still remembers. */
  RequestStale: "request_stale",
  /** Issued more than `auth.maxClockSkewMs` ahead of this node's clock. */
  RequestInFuture: "request_in_future",
  /** This (proposer, nonce) was accepted before. */
  Replayed: "replayed",
  /** The replay store holds `auth.maxNonces` live nonces; the engine may send again later. */
  ReplayStoreFull: "replay_store_full",
  /** The body exceeds the node's limit (read before anything else, so it is refused unread). */
  BodyTooLarge: "body_too_large",
  // The proposal.
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

/** Refusals of the request's authentication (no check of the proposal itself has run). */
export const AUTH_REFUSALS: ReadonlySet<RefusalReason> = new Set([
  RefusalReason.Unauthenticated,
  RefusalReason.UnknownProposer,
  RefusalReason.WrongAudience,
  RefusalReason.BadSignature,
  RefusalReason.RequestStale,
  RefusalReason.RequestInFuture,
  RefusalReason.Replayed,
  RefusalReason.ReplayStoreFull,
  RefusalReason.BodyTooLarge,
]);

const RETRYABLE: ReadonlySet<RefusalReason> = new Set([
  RefusalReason.ChainUnavailable,
  RefusalReason.VenueUnavailable,
  RefusalReason.ReplayStoreFull,
]);

/**
 * The HTTP status a refusal is answered with: 401 the request is not authenticated (send a correctly
 * signed one), 403 it is from an identity this node does not accept, 413 too large, 400 schema,
 * 409 equivocation, 503 a dependency is down (send again later), 422 any other check failed.
 */
export function refusalStatus(reason: RefusalReason): number {
  if (reason === RefusalReason.UnknownProposer) return 403;
  if (reason === RefusalReason.BodyTooLarge) return 413;
  if (RETRYABLE.has(reason)) return 503;
  if (AUTH_REFUSALS.has(reason)) return 401;
  if (reason === RefusalReason.Schema) return 400;
  if (reason === RefusalReason.Equivocation) return 409;
  return 422;
}

/** A proposal the node will not sign, with the typed reason and a human-readable detail. */
export class ProposalRefused extends OracleError {
  override readonly name: string = "ProposalRefused";
  /** `retryable`: whether the engine may send the same proposal again later (a dependency was down). */
  constructor(
    readonly reason: RefusalReason,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`refused (${reason}): ${detail}`, detail, {
      ...options,
      details: { reason },
      retryable: RETRYABLE.has(reason),
    });
  }
}
