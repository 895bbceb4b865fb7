import { formatUnits } from "viem";

/** A token amount with thousands separators and at most `digits` decimals. */
export function formatAmount(value: bigint, decimals: number, digits = 2): string {
  const n = Number(formatUnits(value, decimals));
  return n.toLocaleString("en-US", { minimumFractionDigits: 0, maximumFractionDigits: digits });
}

/** Basis points as a percentage. */
export function formatBps(bps: number | bigint): string {
  return `${(Number(bps) / 100).toLocaleString("en-US", { maximumFractionDigits: 2 })}%`;
}

/** First and last hex digits of a hash or address. */
export function short(hex: string, chars = 6): string {
  return hex.length <= 2 + chars * 2 ? hex : `${hex.slice(0, 2 + chars)}…${hex.slice(-chars)}`;
}

/** How long ago a unix time (seconds) was, in words. */
export function ago(seconds: bigint | number, now = Date.now() / 1000): string {
  const s = Math.max(0, Math.round(now - Number(seconds)));
  if (s < 90) return `${s} s ago`;
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 172_800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} days ago`;
}

export function duration(seconds: bigint | number): string {
  const s = Number(seconds);
  if (s % 86_400 === 0) return `${s / 86_400} days`;
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

/**
 * The vault's price per share (1e18 scale, asset units per share unit) as assets per whole share, e.g.
 * 1.0 at launch. Shares have `shareDecimals` decimals, the asset `assetDecimals`.
 */
export function sharePriceToNumber(pps: bigint, shareDecimals: number, assetDecimals: number): number {
  return Number(formatUnits(pps * 10n ** BigInt(shareDecimals), 18 + assetDecimals));
}

/** Value in asset units of `shares` at price `pps` (1e18 scale). */
export function sharesToAssets(shares: bigint, pps: bigint): bigint {
  return (shares * pps) / 10n ** 18n;
}
