import { keccak256, toUtf8Bytes } from "ethers";
import { movingAverageMomentum } from "../strategy/movingAverageMomentum.js";
import { decideTargets } from "../strategy/decideTargets.js";
import { KillLevel } from "../strategy/KillLevel.js";
import type { MarketHistory, ScoreProvider } from "../strategy/ScoreProvider.js";
import { parseStrategyConfig, type StrategyConfig } from "../strategy/StrategyConfig.js";
import type { Decision, ModelVersion } from "../types/decision.js";
import { TIMEFRAME_MS, type Candle, type Timeframe } from "../types/market.js";
import { packTargets } from "../protocol/targets.js";
import { EngineError } from "./errors.js";
import type { DecisionOutcome } from "./wiring.js";

export const SNAPSHOT_LAYOUT = "sigil-snapshot/1";

/** How the node rebuilds the score provider: the MA baseline from its parameters, or a trained model. */
export type ProviderSpec =
  | { readonly kind: "ma-momentum"; readonly params: { readonly fast: number; readonly slow: number } }
  /** `artefactDir` is relative to the recomputing side's artefact root; `versionHash` must match what it loads. */
  | { readonly kind: "model"; readonly versionHash: string; readonly artefactDir: string };

/**
 * Everything one decision read, as `decideTargets` saw it: candle windows, timeframe, decision time,
 * strategy config, provider spec, seed, and the rest of the decision context (held weights, kill
 * level, bars per year, run id). The decision's clock is fixed at `time`.
 */
export interface InputSnapshot {
  readonly layout: typeof SNAPSHOT_LAYOUT;
  /** Decision time, ms (close of the last candle of every window). */
  readonly time: number;
  readonly timeframe: Timeframe;
  readonly symbols: readonly string[];
  readonly candles: Readonly<Record<string, readonly Candle[]>>;
  readonly strategy: StrategyConfig;
  readonly provider: ProviderSpec;
  readonly seed: number;
  readonly runId: string;
  readonly held: Readonly<Record<string, number>>;
  readonly killLevel: KillLevel;
  readonly periodsPerYear: number;
}

/** A snapshot that is malformed, or whose bytes do not hash to the hash it was asked for. */
export class SnapshotIntegrityError extends EngineError {
  override readonly name: string = "SnapshotIntegrityError";
}

/** A snapshot that cannot be found or fetched (the node falls back to bounds checks). */
export class SnapshotUnavailableError extends EngineError {
  override readonly name: string = "SnapshotUnavailableError";
}

/** Weights that cannot be mapped to on-chain asset lanes. */
export class TargetMappingError extends EngineError {
  override readonly name: string = "TargetMappingError";
}

/**
 * Canonical JSON of a snapshot: keys sorted (UTF-16 order), no whitespace, numbers in ECMAScript's
 * shortest round-trip form. Unlike the run log's canonicalJson nothing is rounded: the node must
 * parse back the very float64 candles the engine decided on.
 */
export function snapshotJson(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "number":
      if (!Number.isFinite(value))
        throw new SnapshotIntegrityError(`snapshot holds a non-finite number (${value})`);
      return Object.is(value, -0) ? "0" : String(value);
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "object": {
      if (Array.isArray(value)) return `[${value.map(snapshotJson).join(",")}]`;
      const o = value as Record<string, unknown>;
      const keys = Object.keys(o)
        .filter((k) => o[k] !== undefined)
        .sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${snapshotJson(o[k])}`).join(",")}}`;
    }
    default:
      throw new SnapshotIntegrityError(`snapshot holds a ${typeof value}, which has no JSON form`);
  }
}

/** Content address of a snapshot: keccak256 of its canonical JSON. */
export function snapshotHash(snapshot: InputSnapshot): string {
  return keccak256(toUtf8Bytes(snapshotJson(snapshot)));
}

/** The snapshot of a decision made by `wireDecision` (the `decide` path and `npm start`). */
export function snapshotOfDecision(
  outcome: Pick<DecisionOutcome, "history" | "context">,
  strategy: StrategyConfig,
  provider: ProviderSpec,
): InputSnapshot {
  const { history, context } = outcome;
  return {
    layout: SNAPSHOT_LAYOUT,
    time: history.time,
    timeframe: history.timeframe,
    symbols: [...history.symbols],
    candles: Object.fromEntries(history.symbols.map((s) => [s, history.candles[s] ?? []])),
    strategy,
    provider,
    seed: context.seed,
    runId: context.runId,
    held: context.held,
    killLevel: context.killLevel,
    periodsPerYear: context.periodsPerYear,
  };
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

/**
 * Parse snapshot bytes fetched for `expectedHash`: the hash is checked on the bytes' canonical form
 * first, then the structure (a malformed or tampered snapshot is a `SnapshotIntegrityError`).
 */
export function parseInputSnapshot(text: string, expectedHash: string): InputSnapshot {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (cause) {
    throw new SnapshotIntegrityError(`snapshot ${expectedHash} is not JSON`, { cause });
  }
  const actual = keccak256(toUtf8Bytes(snapshotJson(raw)));
  if (actual.toLowerCase() !== expectedHash.toLowerCase())
    throw new SnapshotIntegrityError(`snapshot content hashes to ${actual}, not ${expectedHash}`);
  const bad = (what: string): never => {
    throw new SnapshotIntegrityError(`snapshot ${expectedHash}: ${what}`);
  };
  if (!isObj(raw) || raw.layout !== SNAPSHOT_LAYOUT) return bad(`layout is not ${SNAPSHOT_LAYOUT}`);
  if (!isNum(raw.time)) bad("time");
  if (typeof raw.timeframe !== "string" || !(raw.timeframe in TIMEFRAME_MS)) bad("timeframe");
  if (!Array.isArray(raw.symbols) || !raw.symbols.every((s) => typeof s === "string")) bad("symbols");
  if (!isObj(raw.candles)) bad("candles");
  const candles = raw.candles as Record<string, unknown>;
  for (const s of raw.symbols as string[]) {
    const c = candles[s];
    if (
      !Array.isArray(c) ||
      !c.every(
        (k) =>
          isObj(k) &&
          Object.keys(k).length === 6 &&
          ["timestamp", "open", "high", "low", "close", "volume"].every((f) => isNum(k[f])),
      )
    )
      bad(`candles of ${s}`);
  }
  if (!isNum(raw.seed) || !isNum(raw.periodsPerYear) || typeof raw.runId !== "string") bad("context");
  if (!isObj(raw.held) || !Object.values(raw.held).every(isNum)) bad("held weights");
  if (!Object.values(KillLevel).includes(raw.killLevel as KillLevel)) bad("kill level");
  const p = raw.provider;
  const okProvider =
    isObj(p) &&
    ((p.kind === "ma-momentum" && isObj(p.params) && isNum(p.params.fast) && isNum(p.params.slow)) ||
      (p.kind === "model" && typeof p.versionHash === "string" && typeof p.artefactDir === "string"));
  if (!okProvider) bad("provider spec");
  let strategy: StrategyConfig;
  try {
    strategy = parseStrategyConfig(raw.strategy);
  } catch (cause) {
    throw new SnapshotIntegrityError(`snapshot ${expectedHash}: strategy config: ${String(cause)}`, {
      cause,
    });
  }
  return { ...(raw as unknown as InputSnapshot), strategy };
}

/** The market history the provider saw. */
export function historyOf(s: InputSnapshot): MarketHistory {
  return { time: s.time, timeframe: s.timeframe, symbols: s.symbols, candles: s.candles };
}

/** The MA baseline of a spec (the model kind is rebuilt by the recomputing side, which owns artefacts). */
export function maProviderOf(spec: Extract<ProviderSpec, { kind: "ma-momentum" }>): ScoreProvider {
  return movingAverageMomentum(spec.params);
}

/** Re-run the decision of a snapshot with a clock fixed at its decision time. */
export function decideFromSnapshot(s: InputSnapshot, provider: ScoreProvider): Promise<Decision> {
  return decideTargets(historyOf(s), provider, s.strategy, {
    runId: s.runId,
    seed: s.seed,
    held: s.held,
    killLevel: s.killLevel,
    periodsPerYear: s.periodsPerYear,
    // The optimizer reads the clock for latency figures only; a fixed clock keeps them at zero.
    clock: () => s.time,
  });
}

/**
 * Weight → basis points as signals carry them: truncated toward zero (gross never exceeds the
 * decision's), with a 1e-9 bps guard so 0.29 (2899.9999999999995) is 2900. Engine and nodes use
 * this one function, so their targets agree byte for byte.
 */
export function weightToTargetBps(weight: number): number {
  const x = weight * 10_000;
  const bps = x >= 0 ? Math.floor(x + 1e-9) : Math.ceil(x - 1e-9);
  return bps === 0 ? 0 : bps;
}

/** Decision weights → `[assetIndex, bps]` (zero lanes dropped, by asset index) and packed targets. */
export function weightsToTargets(
  weights: Readonly<Record<string, number>>,
  indexOf: (symbol: string) => number | undefined,
): { entries: Array<[number, number]>; packed: bigint } {
  const entries: Array<[number, number]> = [];
  for (const [symbol, w] of Object.entries(weights)) {
    const bps = weightToTargetBps(w);
    if (bps === 0) continue;
    const index = indexOf(symbol);
    if (index === undefined)
      throw new TargetMappingError(`decision holds ${symbol}, which is not an on-chain asset`, {
        hint: "list the asset in the risk policy or drop it from the data",
      });
    entries.push([index, bps]);
  }
  entries.sort((a, b) => a[0] - b[0]);
  return { entries, packed: packTargets(entries) };
}

/** The signal's `modelHash` for a decision's models. */
export function modelHashOf(models: readonly ModelVersion[]): string {
  return keccak256(toUtf8Bytes(JSON.stringify(models)));
}
