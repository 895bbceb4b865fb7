/**
 * An append-only correction to an earlier decision record: the realised return of its holding
 * period, known only later. It is chained like every other line, so the original record is never
 * rewritten and the amendment itself cannot be edited unnoticed.
 */
export interface RunLogAmendment {
  readonly kind: "amendment";
  /** `hash` of the decision record this amends. */
  readonly amends: string;
  /** When the amendment was written (ms): the end of the holding period. */
  readonly timestamp: number;
  readonly actualReturn: number;
  readonly prevHash: string;
  /** keccak256 of the canonical JSON of this line without `hash`. */
  readonly hash: string;
}

/** The hash every chain starts from. */
export const GENESIS_HASH = `0x${"0".repeat(64)}`;
