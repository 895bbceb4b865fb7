import type { CloseSeries } from "./benchmarks.js";
import { drawdownSeries } from "./drawdownSeries.js";

export interface StressWindow {
  readonly name: string;
  readonly from: number;
  readonly to: number;
}

/** Real crashes inside the shared data (UTC, inclusive). */
export const STRESS_WINDOWS: readonly StressWindow[] = [
  { name: "COVID crash (Mar 2020)", from: Date.UTC(2020, 2, 1), to: Date.UTC(2020, 2, 31) },
  { name: "Terra/Luna, 3AC, Celsius (May–Jun 2022)", from: Date.UTC(2022, 4, 1), to: Date.UTC(2022, 5, 30) },
  { name: "FTX collapse (Nov 2022)", from: Date.UTC(2022, 10, 1), to: Date.UTC(2022, 10, 30) },
];

export interface StressResult {
  readonly name: string;
  readonly from: number;
  readonly to: number;
  /** The strategy's own return over the window, when the run covers it. */
  readonly strategyReturn: number | null;
  readonly strategyMaxDrawdown: number | null;
  /** The given (e.g. latest) weights held through the window, from real closes. */
  readonly replayReturn: number | null;
  readonly btcReturn: number | null;
}

function windowReturn(closes: CloseSeries | undefined, from: number, to: number): number | null {
  if (!closes) return null;
  const inside = closes.filter(([t]) => t >= from && t <= to + 86_400_000);
  if (inside.length < 2) return null;
  return inside.at(-1)![1] / inside[0]![1] - 1;
}

/**
 * Portfolio P&L over the crash windows: the run's own equity (if it spans the window) and a replay
 * of `weights` (fractions of equity, signed) held static through each window.
 */
export function stressScenarios(
  equity: ReadonlyArray<{ readonly time: number; readonly equity: number }>,
  closes: Readonly<Record<string, CloseSeries>>,
  weights: Readonly<Record<string, number>>,
  windows: readonly StressWindow[] = STRESS_WINDOWS,
): StressResult[] {
  return windows.map((w) => {
    const inside = equity.filter((p) => p.time >= w.from && p.time <= w.to + 86_400_000);
    const covered = inside.length >= 2;
    let replay: number | null = 0;
    for (const [s, wt] of Object.entries(weights)) {
      const r = windowReturn(closes[s], w.from, w.to);
      if (r === null) {
        replay = null;
        break;
      }
      replay += wt * r;
    }
    return {
      name: w.name,
      from: w.from,
      to: w.to,
      strategyReturn: covered ? inside.at(-1)!.equity / inside[0]!.equity - 1 : null,
      strategyMaxDrawdown: covered ? Math.max(0, ...drawdownSeries(inside.map((p) => p.equity))) : null,
      replayReturn: replay,
      btcReturn: windowReturn(closes["BTC/USDT"], w.from, w.to),
    };
  });
}
