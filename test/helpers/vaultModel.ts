/**
 * An independent bigint model of SigilVault's share arithmetic, so tests assert exact values instead of
 * reading them back from the contract. Every division floors, like `Math.mulDiv(..., Floor)`.
 *
 * Price per share is `(assets + 1) / (supply + 10^6)` (one virtual asset, 10^6 virtual shares), scaled
 * by 1e18 where the vault reports it.
 */

export const PPS_SCALE = 10n ** 18n;
export const VIRTUAL_SHARES = 10n ** 6n;
export const BPS = 10_000n;
export const YEAR = 365n * 86_400n;
export const DAY = 86_400n;

/** Price per share, 1e18 scale: `(assets + 1) * 1e18 / (supply + 10^6)`. */
export function pricePerShare(assets: bigint, supply: bigint): bigint {
  return ((assets + 1n) * PPS_SCALE) / (supply + VIRTUAL_SHARES);
}

/** Shares minted for `assets` at the price `(totalAssets + 1) / (supply + 10^6)`, rounded down. */
export function sharesFor(assets: bigint, totalAssets: bigint, supply: bigint): bigint {
  return (assets * (supply + VIRTUAL_SHARES)) / (totalAssets + 1n);
}

/** Assets paid for `shares` at the price `(totalAssets + 1) / (supply + 10^6)`, rounded down. */
export function assetsFor(shares: bigint, totalAssets: bigint, supply: bigint): bigint {
  return (shares * (totalAssets + 1n)) / (supply + VIRTUAL_SHARES);
}

export interface FeeRates {
  managementBps: bigint;
  performanceBps: bigint;
  operatorShareBps: bigint;
}

export interface FeeOutcome {
  management: bigint;
  performance: bigint;
  feeShares: bigint;
  operatorShares: bigint;
  treasuryShares: bigint;
  /** The high-water mark after fees. */
  highWaterMark: bigint;
  /** Whether the vault mints fee shares (and emits FeesTaken). */
  charged: boolean;
}

/**
 * Fees at a settlement: management fee pro rata over `elapsed` seconds on all assets, performance fee
 * on the gain of the (post-management-fee) price above the high-water mark, paid by minting shares at
 * the post-fee price.
 */
export function fees(
  assets: bigint,
  supply: bigint,
  highWaterMark: bigint,
  elapsed: bigint,
  rates: FeeRates,
): FeeOutcome {
  const none = {
    management: 0n,
    performance: 0n,
    feeShares: 0n,
    operatorShares: 0n,
    treasuryShares: 0n,
    charged: false,
  };
  // No holders: nobody is charged and the next holders' entry price becomes the mark.
  if (supply === 0n) return { ...none, highWaterMark: pricePerShare(assets, 0n) };
  if (assets === 0n) return { ...none, highWaterMark };
  const management = (assets * rates.managementBps * elapsed) / (BPS * YEAR);
  const pps = pricePerShare(assets - management, supply);
  let performance = 0n;
  if (pps > highWaterMark) {
    const gain = ((pps - highWaterMark) * (supply + VIRTUAL_SHARES)) / PPS_SCALE;
    performance = (gain * rates.performanceBps) / BPS;
  }
  const fee = management + performance;
  if (fee === 0n || fee >= assets) {
    return { ...none, highWaterMark: pps > highWaterMark ? pps : highWaterMark };
  }
  const feeShares = (fee * (supply + VIRTUAL_SHARES)) / (assets - fee + 1n);
  const operatorShares = (feeShares * rates.operatorShareBps) / BPS;
  const after = pricePerShare(assets, supply + feeShares);
  return {
    management,
    performance,
    feeShares,
    operatorShares,
    treasuryShares: feeShares - operatorShares,
    highWaterMark: after > highWaterMark ? after : highWaterMark,
    charged: true,
  };
}

export interface SettlementInput {
  /** Idle on-chain assets before settlement (balance minus pending deposits and reserved redemptions). */
  idle: bigint;
  /** Venue equity in the accepted report. */
  venueEquity: bigint;
  supply: bigint;
  highWaterMark: bigint;
  /** Seconds between the previous and this report's valuation time (0 at the first settlement). */
  elapsed: bigint;
  rates: FeeRates;
  /** Deposits requested in the epoch (before the cap). */
  depositAssets: bigint;
  redeemShares: bigint;
  /** Cap on total assets (default: none); deposits beyond the room it leaves are refused pro rata. */
  cap?: bigint;
}

export interface SettlementOutcome {
  fees: FeeOutcome;
  /** Price per share (1e18) at which the epoch settles. */
  pps: bigint;
  /** Deposits accepted (all of them unless the cap refused some). */
  depositAccepted: bigint;
  depositShares: bigint;
  /** Assets the redeem batch needs at the epoch price. */
  redeemAssetsNeeded: bigint;
  redeemFulfilled: boolean;
  /** Redeem shares and assets as EpochSettled reports them (0 when deferred). */
  redeemShares: bigint;
  redeemAssets: bigint;
  /** Idle assets that the deferral check compared against. */
  idleForRedemptions: bigint;
  totalAssets: bigint;
  totalSupply: bigint;
}

/**
 * One accepted settlement: fees, then the epoch's deposits (up to the room the cap leaves) and its
 * redemptions (deferred ones included) at one price.
 */
export function settlement(p: SettlementInput): SettlementOutcome {
  const assets = p.idle + p.venueEquity;
  const f = fees(assets, p.supply, p.highWaterMark, p.elapsed, p.rates);
  const supply = p.supply + f.feeShares;
  const pps = pricePerShare(assets, supply);
  const room = p.cap === undefined ? p.depositAssets : p.cap > assets ? p.cap - assets : 0n;
  const depositAccepted = p.depositAssets < room ? p.depositAssets : room;
  const depositShares = sharesFor(depositAccepted, assets, supply);
  const redeemAssetsNeeded = assetsFor(p.redeemShares, assets, supply);
  const idleForRedemptions = p.idle + depositAccepted;
  const redeemFulfilled = p.redeemShares !== 0n && redeemAssetsNeeded <= idleForRedemptions;
  const redeemShares = redeemFulfilled ? p.redeemShares : 0n;
  const redeemAssets = redeemFulfilled ? redeemAssetsNeeded : 0n;
  return {
    fees: f,
    pps,
    depositAccepted,
    depositShares,
    redeemAssetsNeeded,
    redeemFulfilled,
    redeemShares,
    redeemAssets,
    idleForRedemptions,
    totalAssets: assets + depositAccepted - redeemAssets,
    totalSupply: supply + depositShares - redeemShares,
  };
}

/** Whether a price drop from `reference` to `pps` is strictly beyond `limitBps` (the breaker test). */
export function dropBeyond(reference: bigint, pps: bigint, limitBps: bigint): boolean {
  return pps < reference && (reference - pps) * BPS > reference * limitBps;
}

/**
 * One request's claim on a capped epoch: `requested` of the epoch's deposits were asked for, `accepted`
 * of them admitted for `minted` shares. The request gets its share of the shares (rounded down) and
 * back the part of its assets not admitted (the admitted part rounded up, so the refund rounds down).
 */
export function proRataClaim(
  amount: bigint,
  requested: bigint,
  accepted: bigint,
  minted: bigint,
): { shares: bigint; refund: bigint } {
  if (accepted >= requested)
    return { shares: requested === 0n ? 0n : (amount * minted) / requested, refund: 0n };
  const admitted = (amount * accepted + requested - 1n) / requested;
  return { shares: (amount * minted) / requested, refund: amount - admitted };
}

/** Basis points by which `index` is below `high` (rounded down; 0 when not below). */
export function lossBps(high: bigint, index: bigint): bigint {
  // Rounded up: any loss beyond the limit, however slight, is more than the limit.
  return high > index ? ((high - index) * BPS + high - 1n) / high : 0n;
}

export const INDEX_ONE = 10n ** 18n;

/**
 * The NAV index after a report: the previous index times the total assets the report implies over the
 * total assets booked just before it, each plus one (rounded down). Only reports move it.
 */
export function navIndex(previous: bigint, reported: bigint, booked: bigint): bigint {
  const x = (previous * (reported + 1n)) / (booked + 1n);
  return x === 0n ? 1n : x;
}

/** Whether `x` is within `boundBps` of every index in [lo, hi] (the NAV bound against a window). */
export function withinBound(x: bigint, lo: bigint, hi: bigint, boundBps: bigint): boolean {
  return x * BPS <= lo * (BPS + boundBps) && x * BPS >= hi * (BPS - boundBps);
}
