import { keccak256, toUtf8Bytes } from "ethers";
import { ConfigError } from "../engine/errors.js";
import type { AssetScore } from "../types/decision.js";
import type { Candle } from "../types/market.js";
import type { MarketHistory, ScoreProvider } from "./ScoreProvider.js";

export interface MovingAverageMomentumOptions {
  /** Fast simple moving average length in bars (default 10). */
  readonly fast?: number;
  /** Slow simple moving average length in bars (default 50). */
  readonly slow?: number;
}

/**
 * Baseline score provider of the engine (the models team's baseline replaces it at integration):
 * score = SMA(fast) / SMA(slow) − 1 on closes, i.e. trend momentum; positive in up-trends.
 * Confidence = min(1, |score| / (σ·√slow)) with σ the per-bar close-to-close volatility over the
 * slow window, so a move that is large against noise is trusted more. Simple (not exponential)
 * averages over exact windows make it insensitive to how much older history is supplied.
 *
 * @example
 * const p = movingAverageMomentum({ fast: 10, slow: 50 });
 * p.score(history); // [{ symbol: "BTC/USDT", score: 0.031, confidence: 0.4 }, ...]
 */
export function movingAverageMomentum(options: MovingAverageMomentumOptions = {}): ScoreProvider {
  const fast = options.fast ?? 10;
  const slow = options.slow ?? 50;
  if (!Number.isInteger(fast) || !Number.isInteger(slow) || fast < 1 || slow <= fast)
    throw new ConfigError(`moving averages need integers 1 ≤ fast < slow, got fast=${fast} slow=${slow}`);
  const params = `sma-momentum:fast=${fast}:slow=${slow}`;
  return {
    model: { name: "ma-momentum-baseline", versionHash: keccak256(toUtf8Bytes(params)) },
    featuresVersion: `sma/1:${fast}/${slow}`,
    lookback: slow,
    score(history: MarketHistory): AssetScore[] {
      const out: AssetScore[] = [];
      for (const symbol of history.symbols) {
        const c = history.candles[symbol];
        if (!c || c.length < slow) continue;
        const s = smaMomentum(c, fast, slow);
        if (s) out.push({ symbol, ...s });
      }
      return out;
    },
  };
}

function smaMomentum(c: readonly Candle[], fast: number, slow: number): Omit<AssetScore, "symbol"> | null {
  const n = c.length;
  let sumFast = 0;
  let sumSlow = 0;
  let sumR = 0;
  let sumR2 = 0;
  for (let i = n - slow; i < n; i++) {
    const close = c[i]!.close;
    sumSlow += close;
    if (i >= n - fast) sumFast += close;
    if (i > n - slow) {
      const r = close / c[i - 1]!.close - 1;
      sumR += r;
      sumR2 += r * r;
    }
  }
  const score = sumFast / fast / (sumSlow / slow) - 1;
  const m = slow - 1;
  const vol = m > 1 ? Math.sqrt(Math.max(0, (sumR2 - (sumR * sumR) / m) / (m - 1))) : 0;
  if (!Number.isFinite(score)) return null;
  const confidence = vol > 0 ? Math.min(1, Math.abs(score) / (vol * Math.sqrt(slow))) : 0;
  return { score, confidence };
}
