import { createHash } from "node:crypto";
import { keccak256, toUtf8Bytes } from "ethers";
import type { MarketHistory } from "../strategy/ScoreProvider.js";
import type { ModelVersion } from "../types/decision.js";
import { canonicalJson } from "../runlog/canonicalJson.js";

export interface DecisionInputs {
  readonly history: MarketHistory;
  readonly featuresVersion: string;
  readonly models: readonly ModelVersion[];
  readonly parameters: unknown;
  readonly seed: number;
}

/**
 * Content hash of everything a decision reads: keccak256 of the canonical JSON of a header (time,
 * timeframe, window bounds per symbol, features version, models, parameters, seed, and
 * `candlesSha256`). `candlesSha256` is the SHA-256 of the candle windows as little-endian float64
 * (timestamp, open, high, low, close, volume per candle, symbols in the history's sorted order).
 * Native SHA-256 over the bulk bytes keeps this at microseconds per decision (pure-JS keccak over
 * ~60 kB per decision dominated backtest time); the layout is fixed so an oracle node can rebuild
 * the bytes from the same snapshot.
 */
export function hashInputs(inputs: DecisionInputs): string {
  const { history } = inputs;
  let count = 0;
  for (const s of history.symbols) count += history.candles[s]?.length ?? 0;
  const buf = new Float64Array(count * 6);
  let o = 0;
  const windows: Array<[string, number, number, number]> = [];
  for (const s of history.symbols) {
    const c = history.candles[s] ?? [];
    windows.push([s, c[0]?.timestamp ?? 0, c.at(-1)?.timestamp ?? 0, c.length]);
    for (const k of c) {
      buf[o++] = k.timestamp;
      buf[o++] = k.open;
      buf[o++] = k.high;
      buf[o++] = k.low;
      buf[o++] = k.close;
      buf[o++] = k.volume;
    }
  }
  const header = canonicalJson({
    layout: "sigil-inputs/1",
    time: history.time,
    timeframe: history.timeframe,
    windows,
    featuresVersion: inputs.featuresVersion,
    models: inputs.models,
    parameters: inputs.parameters,
    seed: inputs.seed,
    // Float64Array is little-endian on every platform Node supports (x64, arm64).
    candlesSha256: createHash("sha256").update(new Uint8Array(buf.buffer)).digest("hex"),
  });
  return keccak256(toUtf8Bytes(header));
}
