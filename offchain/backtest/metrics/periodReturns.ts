/** Simple returns between consecutive equity values; a non-positive base gives −1 (ruin), never NaN. */
export function periodReturns(equity: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 1; i < equity.length; i++) {
    const a = equity[i - 1]!;
    out.push(a > 0 ? equity[i]! / a - 1 : -1);
  }
  return out;
}
