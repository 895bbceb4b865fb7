import { KillLevel } from "./KillLevel.js";

/**
 * Clamps target weights to what the kill level allows, with the on-chain semantics of
 * `SignalRisk.sol` relative to the current weights `held`: NoNewEntries zeroes targets that open
 * or flip a position; ReduceOnly also caps every target at the size held; Flatten targets zero
 * everywhere. Where the contract would reject such a signal outright, the engine sends the nearest
 * allowed one instead.
 *
 * @example
 * applyKillSwitch({ BTC: 0.3 }, { BTC: 0.5, ETH: 0.2 }, KillLevel.ReduceOnly); // { BTC: 0.3 }
 */
export function applyKillSwitch(
  held: Readonly<Record<string, number>>,
  target: Readonly<Record<string, number>>,
  level: KillLevel,
): Record<string, number> {
  if (level === KillLevel.Normal) return { ...target };
  const out: Record<string, number> = {};
  if (level === KillLevel.Flatten) return out;
  for (const [symbol, q] of Object.entries(target)) {
    const p = held[symbol] ?? 0;
    if (q === 0 || p === 0 || p > 0 !== q > 0) continue; // opening or flipping: not allowed
    out[symbol] = level === KillLevel.ReduceOnly ? Math.sign(q) * Math.min(Math.abs(q), Math.abs(p)) : q;
  }
  return out;
}
