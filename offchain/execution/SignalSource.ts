/** A signal the trade ledger accepted: what the engine executes. */
export interface AcceptedSignal {
  /** Signal-stream sequence; fills are reported against it. */
  readonly sequence: number;
  /** Packed int16 bps targets per risk-policy asset index (`protocol/targets.ts`). */
  readonly targets: bigint;
  /** Decision time, seconds (the signal's own timestamp). */
  readonly timestamp: number;
}

/**
 * Where accepted signals come from. `next` returns the signals after the persisted cursor, oldest
 * first; `ack` moves the cursor once a signal has been handled, so a restart resumes after it.
 */
export interface SignalSource {
  next(): Promise<AcceptedSignal[]>;
  ack(signal: AcceptedSignal): Promise<void>;
}
