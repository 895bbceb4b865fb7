/** What a node knows about a signal when it re-computes the decision behind it. */
export interface RecomputeRequest {
  inputsHash: string;
  inputSnapshotRef: string;
  runHash: string;
  modelHash: string;
  /** Decision time, seconds. */
  timestamp: bigint;
}

export type RecomputeResult =
  /** The pipeline re-ran deterministically; `targets` are packed int16 basis points (offchain/protocol/targets). */
  | { kind: "deterministic"; targets: bigint }
  /** A step could not be made deterministic: a node configured to re-compute refuses to sign. */
  | { kind: "non-deterministic"; reason: string }
  /** The snapshot contradicts the signal (wrong hash, model): the node refuses outright. */
  | { kind: "invalid"; reason: string };

/**
 * Re-runs the engine's decision from its input snapshot (fetched by reference, checked against
 * `inputsHash`) in the pinned runtime. A node configured with one signs only signals it re-computed
 * and that match; a node without one signs bounds-checked signals only (flags bit 0 clear).
 */
export interface DecisionRecomputer {
  recompute(request: RecomputeRequest): Promise<RecomputeResult>;
}
