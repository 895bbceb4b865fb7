/**
 * Drawdown from the running peak at every step, in [0, 1]: 1 − equity/peak. Equity at or below
 * zero counts as ruin (drawdown 1), so the series stays bounded even for leveraged or short books.
 */
export function drawdownSeries(equity: readonly number[]): number[] {
  const out = new Array<number>(equity.length);
  let peak = 0;
  for (let i = 0; i < equity.length; i++) {
    const e = Math.max(0, equity[i]!);
    peak = Math.max(peak, e);
    out[i] = peak > 0 ? Math.min(1, Math.max(0, 1 - e / peak)) : 0;
  }
  return out;
}
