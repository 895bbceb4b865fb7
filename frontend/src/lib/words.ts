import { Violation, FillViolation } from "../../../offchain/protocol/violations.js";

/** Kill-switch levels (IRiskPolicy.KillLevel) in a staker's words. */
export const killLevels = [
  { name: "Normal", tone: "ok", meaning: "Trading within the risk limits." },
  { name: "No new entries", tone: "warn", meaning: "No new positions may be opened." },
  { name: "Reduce only", tone: "warn", meaning: "Positions may only shrink." },
  { name: "Flatten", tone: "bad", meaning: "All positions are being closed; new deposits are refused." },
] as const;

export function killLevelOf(level: number) {
  return killLevels[level] ?? { name: `Unknown (${level})`, tone: "bad", meaning: "Unknown kill level." };
}

const violationWords: Record<number, string> = {
  [Violation.None]: "no violation",
  [Violation.AssetNotAllowed]: "an asset that is not on the allow-list",
  [Violation.WeightAboveMax]: "a weight above the asset's maximum",
  [Violation.ShortNotAllowed]: "a short position in an asset that may not be shorted",
  [Violation.GrossAboveMax]: "total exposure above the maximum leverage",
  [Violation.KillNoNewEntries]: "opens a new position while the kill switch forbids new entries",
  [Violation.KillReduceOnly]: "grows a position while the kill switch allows reducing only",
  [Violation.KillFlatten]: "keeps positions while the kill switch requires flattening",
  [Violation.FeedInvalid]: "the reference price feed gave no valid price",
  [Violation.FeedStale]: "the reference price feed is too old",
  [Violation.PriceDeviation]: "a price too far from the reference feed",
  [Violation.TimestampOutOfOrder]: "a decision time in the future or older than the last accepted one",
};

/** Why a signal was rejected, in words. */
export function violationWordsOf(code: number): string {
  return violationWords[code] ?? `unknown reason (code ${code})`;
}

const fillBits: Array<[number, string]> = [
  [FillViolation.SignalUnknown, "signal unknown or rejected"],
  [FillViolation.AssetNotListed, "asset not allowed"],
  [FillViolation.SizeTolerance, "size away from target"],
  [FillViolation.FeedInvalid, "no valid reference price"],
  [FillViolation.FeedStale, "reference price stale"],
  [FillViolation.PriceDeviation, "price far from reference"],
  [FillViolation.KillSwitch, "against the kill switch"],
];

/** A fill's violation bits, in words (empty when clean). */
export function fillViolationWords(mask: number): string[] {
  return fillBits.filter(([bit]) => (mask & bit) !== 0).map(([, w]) => w);
}

/** OpenZeppelin Governor ProposalState. */
export const proposalStates = [
  "Pending",
  "Active",
  "Canceled",
  "Defeated",
  "Succeeded",
  "Queued",
  "Expired",
  "Executed",
] as const;

export function proposalStateOf(state: number): string {
  return proposalStates[state] ?? `Unknown (${state})`;
}
