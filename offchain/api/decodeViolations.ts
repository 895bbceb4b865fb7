import { FillViolation } from "../protocol/violations.js";

/** Names of the bits set in a recorded fill's `violations` mask (TradeLedger.FILL_*), low bit first. */
export function decodeFillViolations(mask: number): string[] {
  const names: string[] = [];
  let known = 0;
  for (const [name, bit] of Object.entries(FillViolation)) {
    known |= bit;
    if ((mask & bit) !== 0) names.push(name);
  }
  // Bits the ledger may add later are reported rather than dropped.
  for (let b = 0; b < 16; b++) if ((mask & ~known & (1 << b)) !== 0) names.push(`Unknown(bit ${b})`);
  return names;
}
