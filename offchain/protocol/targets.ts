import { ProtocolError } from "./errors.js";

/**
 * Packed target weights: 16 int16 lanes in one uint256, lane i = risk-policy asset index i, in basis
 * points of NAV (twin of `contracts/libraries/TargetWeights.sol`).
 */

export const MAX_ASSETS = 16;

/** Thrown when targets cannot be packed. */
export class TargetPackingError extends ProtocolError {
  override readonly name: string = "TargetPackingError";
}

/** Pack `[assetIndex, weightBps]` pairs; each asset at most once, weights integral int16. */
export function packTargets(entries: Iterable<readonly [number, number]>): bigint {
  let packed = 0n;
  const seen = new Set<number>();
  for (const [asset, bps] of entries) {
    if (!Number.isInteger(asset) || asset < 0 || asset >= MAX_ASSETS) {
      throw new TargetPackingError(`asset index ${asset} is outside 0..${MAX_ASSETS - 1}`);
    }
    if (seen.has(asset)) throw new TargetPackingError(`asset index ${asset} appears twice`);
    seen.add(asset);
    if (!Number.isInteger(bps) || bps < -32_768 || bps > 32_767) {
      throw new TargetPackingError(`weight ${bps} bps for asset ${asset} is not an int16`);
    }
    packed |= BigInt.asUintN(16, BigInt(bps)) << BigInt(asset * 16);
  }
  return packed;
}

/** Unpack into a map of asset index → weight bps (zero weights omitted). */
export function unpackTargets(packed: bigint): Map<number, number> {
  const out = new Map<number, number>();
  for (let a = 0; a < MAX_ASSETS; a++) {
    const w = Number(BigInt.asIntN(16, packed >> BigInt(a * 16)));
    if (w !== 0) out.set(a, w);
  }
  return out;
}

/** Weight of one asset in packed targets. */
export function targetOf(packed: bigint, asset: number): number {
  return Number(BigInt.asIntN(16, packed >> BigInt(asset * 16)));
}
