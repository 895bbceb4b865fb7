/**
 * An independent TypeScript model of the risk rules (signal checks and fill violation bits), written
 * from the specification in IRiskPolicy / TradeLedger, so tests can compare the contracts against it.
 */

import { FillViolation, KillLevel, Violation } from "../../offchain/protocol/violations.js";

// The enums mirror the contracts in one place (offchain/protocol/violations.ts); the rules below are
// this model's own.
export { KillLevel, Violation };
export const FillBit = FillViolation;
export const TRIPPING_BITS =
  FillBit.SignalUnknown |
  FillBit.AssetNotListed |
  FillBit.SizeTolerance |
  FillBit.PriceDeviation |
  FillBit.KillSwitch;

export const LANES = 16;
const BPS = 10_000n;

/** An asset's signal-relevant limits; `maxWeightBps == 0` means not allowed. */
export interface AssetCaps {
  maxWeightBps: number;
  shortable: boolean;
}

/** Weights (bps) of all 16 lanes of a packed word, lane i = asset index i. */
export function lanes(packed: bigint): number[] {
  const out: number[] = [];
  for (let i = 0; i < LANES; i++) {
    const raw = Number((packed >> BigInt(16 * i)) & 0xffffn);
    out.push(raw >= 0x8000 ? raw - 0x10000 : raw);
  }
  return out;
}

/** Pack 16 (or fewer) lane weights into a word. */
export function packLanes(weights: readonly number[]): bigint {
  let word = 0n;
  weights.forEach((w, i) => {
    word |= BigInt(w & 0xffff) << BigInt(16 * i);
  });
  return word;
}

/**
 * The signal rules: for each asset in index order, a non-zero weight must be on an allowed asset, within
 * its max weight, and long unless the asset is shortable; then the sum of |weight| must be within the gross
 * cap; then the kill level: Flatten accepts only all-zero targets; NoNewEntries refuses opening or flipping
 * a position relative to `previous`; ReduceOnly refuses that and any growth.
 */
export function modelCheckSignal(
  targets: bigint,
  caps: ReadonlyArray<AssetCaps | undefined>,
  maxGrossBps: number,
  kill: KillLevel,
  previous: bigint,
): Violation {
  const t = lanes(targets);
  const p = lanes(previous);
  let gross = 0;
  for (let a = 0; a < LANES; a++) {
    const w = t[a]!;
    if (w === 0) continue;
    const cap = caps[a];
    if (!cap || cap.maxWeightBps === 0) return Violation.AssetNotAllowed;
    if (Math.abs(w) > cap.maxWeightBps) return Violation.WeightAboveMax;
    if (w < 0 && !cap.shortable) return Violation.ShortNotAllowed;
    gross += Math.abs(w);
  }
  if (gross > maxGrossBps) return Violation.GrossAboveMax;
  switch (kill) {
    case KillLevel.Normal:
      return Violation.None;
    case KillLevel.Flatten:
      return t.every((w) => w === 0) ? Violation.None : Violation.KillFlatten;
    default:
      for (let a = 0; a < LANES; a++) {
        const q = t[a]!;
        const before = p[a]!;
        if (q === 0) continue;
        const opensOrFlips = before === 0 || Math.sign(before) !== Math.sign(q);
        if (opensOrFlips) {
          return kill === KillLevel.NoNewEntries ? Violation.KillNoNewEntries : Violation.KillReduceOnly;
        }
        if (kill === KillLevel.ReduceOnly && Math.abs(q) > Math.abs(before)) return Violation.KillReduceOnly;
      }
      return Violation.None;
  }
}

/** Value in stable-asset base units of `quantityE8` at `priceE8` (truncated toward zero, sign kept). */
export function notionalOf(quantityE8: bigint, priceE8: bigint, tokenDecimals: number): bigint {
  const mag = quantityE8 < 0n ? -quantityE8 : quantityE8;
  const v = (mag * priceE8 * 10n ** BigInt(tokenDecimals)) / 10n ** 16n;
  return quantityE8 < 0n ? -v : v;
}

const abs = (x: bigint) => (x < 0n ? -x : x);

/** What the policy says about a fill's asset and price. */
export interface FillPolicyView {
  price: Violation; // None, AssetNotAllowed, FeedInvalid, FeedStale or PriceDeviation
  listed: boolean;
}

/** Everything a fill's violation mask depends on besides the fill itself. */
export interface FillContextModel {
  known: boolean;
  targetBps: number;
  navUnits: bigint;
  sizeToleranceBps: number;
  kill: KillLevel;
  tokenDecimals: number;
}

/** The violation mask of one fill moving a position from `before` by `quantityE8` at `priceE8`. */
export function modelFillViolations(
  before: bigint,
  quantityE8: bigint,
  priceE8: bigint,
  policy: FillPolicyView,
  ctx: FillContextModel,
): number {
  const after = before + quantityE8;
  let mask = ctx.known ? 0 : FillBit.SignalUnknown;
  const flips = before !== 0n && after !== 0n && before > 0n !== after > 0n;
  const grows = abs(after) > abs(before) || flips;
  if (grows) {
    if (ctx.kill >= KillLevel.ReduceOnly) mask |= FillBit.KillSwitch;
    else if (ctx.kill === KillLevel.NoNewEntries && (before === 0n || flips)) mask |= FillBit.KillSwitch;
    if (!policy.listed) mask |= FillBit.AssetNotListed;
  }
  if (policy.price === Violation.FeedInvalid || policy.price === Violation.AssetNotAllowed) {
    mask |= FillBit.FeedInvalid;
  } else if (policy.price === Violation.FeedStale) mask |= FillBit.FeedStale;
  else if (policy.price === Violation.PriceDeviation) mask |= FillBit.PriceDeviation;
  if (ctx.known && ctx.navUnits !== 0n) {
    const target = (ctx.navUnits * BigInt(ctx.targetBps)) / BPS; // BigInt division truncates toward zero
    const d0 = target - notionalOf(before, priceE8, ctx.tokenDecimals);
    const d1 = target - notionalOf(after, priceE8, ctx.tokenDecimals);
    const tol = (ctx.navUnits * BigInt(ctx.sizeToleranceBps)) / BPS;
    const crossed = d1 !== 0n && d1 > 0n !== d0 > 0n;
    if ((crossed && abs(d1) > tol) || abs(d1) > abs(d0) + tol) mask |= FillBit.SizeTolerance;
  }
  return mask;
}

/** Small seeded PRNG (mulberry32) so randomized tests reproduce. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
