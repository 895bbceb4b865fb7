/** Closes of one symbol as [close time, close], ascending. */
export type CloseSeries = ReadonlyArray<readonly [number, number]>;

/** Last known close at or before each time (null before the first close). */
function alignCloses(closes: CloseSeries, times: readonly number[]): Array<number | null> {
  const out: Array<number | null> = [];
  let i = -1;
  for (const t of times) {
    while (i + 1 < closes.length && closes[i + 1]![0] <= t) i++;
    out.push(i >= 0 ? closes[i]![1] : null);
  }
  return out;
}

/**
 * Buy-and-hold of one asset on the strategy's timeline: `capital` invested at the first step where
 * the asset has a price (cash before that), no fees.
 */
export function buyAndHold(closes: CloseSeries, times: readonly number[], capital: number): number[] {
  const px = alignCloses(closes, times);
  const entry = px.find((p) => p !== null) ?? null;
  return px.map((p) => (entry !== null && p !== null ? (capital * p) / entry : capital));
}

/**
 * Equal weight over every asset with a price, rebalanced every `rebalanceEvery` steps (assets
 * join at the first rebalance after they list), no fees.
 */
export function equalWeight(
  closes: Readonly<Record<string, CloseSeries>>,
  times: readonly number[],
  capital: number,
  rebalanceEvery: number,
): number[] {
  const symbols = Object.keys(closes).sort();
  const px = symbols.map((s) => alignCloses(closes[s]!, times));
  const qty = new Array<number>(symbols.length).fill(0);
  let cash = capital;
  const out: number[] = [];
  for (let t = 0; t < times.length; t++) {
    let value = cash;
    for (let j = 0; j < symbols.length; j++) value += qty[j]! * (px[j]![t] ?? 0);
    if (t % rebalanceEvery === 0) {
      const live = symbols.map((_, j) => px[j]![t]).filter((p) => p !== null).length;
      cash = live ? 0 : value;
      for (let j = 0; j < symbols.length; j++) {
        const p = px[j]![t];
        qty[j] = live && p !== null && p !== undefined ? value / live / p : 0;
      }
    }
    out.push(value);
  }
  return out;
}
