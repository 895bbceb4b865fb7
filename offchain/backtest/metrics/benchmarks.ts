/** Closes of one symbol as [close time, close], ascending. */
export type CloseSeries = ReadonlyArray<readonly [number, number]>;

/** A price per step: the last close, `null` before the first, `"stale"` after too long a silence. */
type Aligned = number | null | "stale";

/**
 * Last known close at or before each time (null before the first close); "stale" once the last
 * close is more than `staleMs` old (the asset stopped trading: it is not marked at that price).
 */
function alignCloses(closes: CloseSeries, times: readonly number[], staleMs: number): Aligned[] {
  const out: Aligned[] = [];
  let i = -1;
  for (const t of times) {
    while (i + 1 < closes.length && closes[i + 1]![0] <= t) i++;
    out.push(i < 0 ? null : t - closes[i]![0] > staleMs ? "stale" : closes[i]![1]);
  }
  return out;
}

/**
 * Buy-and-hold of one asset on the strategy's timeline: `capital` invested at the first step where
 * the asset has a price (cash before that), no fees. While the asset is stale (silent for more than
 * `staleMs`) the holding is written down to zero, as the strategy's book is; it is marked again if
 * the asset trades again.
 */
export function buyAndHold(
  closes: CloseSeries,
  times: readonly number[],
  capital: number,
  staleMs = Infinity,
): number[] {
  const px = alignCloses(closes, times, staleMs);
  const entry = px.find((p): p is number => typeof p === "number") ?? null;
  let entered = false;
  return px.map((p) => {
    if (entry === null || p === null || (!entered && p === "stale")) return capital;
    entered = true;
    return p === "stale" ? 0 : (capital * p) / entry;
  });
}

/**
 * Equal weight over every asset trading at a rebalance, rebalanced every `rebalanceEvery` steps
 * (assets join at the first rebalance after they list and leave at the first after they stop), no
 * fees. A holding in an asset that went stale between rebalances is written down to zero.
 */
export function equalWeight(
  closes: Readonly<Record<string, CloseSeries>>,
  times: readonly number[],
  capital: number,
  rebalanceEvery: number,
  staleMs = Infinity,
): number[] {
  const symbols = Object.keys(closes).sort();
  const px = symbols.map((s) => alignCloses(closes[s]!, times, staleMs));
  const price = (j: number, t: number): number | null => {
    const p = px[j]![t];
    return typeof p === "number" ? p : null;
  };
  const qty = new Array<number>(symbols.length).fill(0);
  let cash = capital;
  const out: number[] = [];
  for (let t = 0; t < times.length; t++) {
    let value = cash;
    for (let j = 0; j < symbols.length; j++) value += qty[j]! * (price(j, t) ?? 0);
    if (t % rebalanceEvery === 0) {
      const live = symbols.filter((_, j) => price(j, t) !== null).length;
      cash = live ? 0 : value;
      for (let j = 0; j < symbols.length; j++) {
        const p = price(j, t);
        qty[j] = live && p !== null ? value / live / p : 0;
      }
    }
    out.push(value);
  }
  return out;
}
