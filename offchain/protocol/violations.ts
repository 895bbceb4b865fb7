/**
 * Why the risk policy refused a signal or flagged a fill: mirrors `IRiskPolicy.Violation` (the numeric
 * value is what events carry), and the TradeLedger's fill violation bits.
 */
export const Violation = {
  None: 0,
  AssetNotAllowed: 1,
  WeightAboveMax: 2,
  ShortNotAllowed: 3,
  GrossAboveMax: 4,
  KillNoNewEntries: 5,
  KillReduceOnly: 6,
  KillFlatten: 7,
  FeedInvalid: 8,
  FeedStale: 9,
  PriceDeviation: 10,
  TimestampOutOfOrder: 11,
} as const;
export type Violation = (typeof Violation)[keyof typeof Violation];

/** Bits of a recorded fill's `violations` mask (TradeLedger.FILL_*). */
export const FillViolation = {
  SignalUnknown: 1 << 0,
  AssetNotListed: 1 << 1,
  SizeTolerance: 1 << 2,
  FeedInvalid: 1 << 3,
  FeedStale: 1 << 4,
  PriceDeviation: 1 << 5,
  KillSwitch: 1 << 6,
} as const;

/** Kill-switch levels (IRiskPolicy.KillLevel), each stricter than the one before. */
export const KillLevel = { Normal: 0, NoNewEntries: 1, ReduceOnly: 2, Flatten: 3 } as const;
export type KillLevel = (typeof KillLevel)[keyof typeof KillLevel];

/** Name of a violation code, for logs and the dApp. */
export function violationName(code: number): string {
  const entry = Object.entries(Violation).find(([, v]) => v === code);
  return entry ? entry[0] : `Unknown(${code})`;
}
