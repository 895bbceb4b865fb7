import { join } from "node:path";
import { CsvCandleSource } from "../backtest/CsvCandleSource.js";
import { StoreCandleSource } from "../engine/StoreCandleSource.js";
import { ConfigError, MarketDataError } from "../engine/errors.js";
import { ModelError } from "../models/errors.js";
import { buildModelDataset } from "../models/buildModelDataset.js";
import { MODEL_KINDS } from "../models/loadModel.js";
import type { ModelKind } from "../models/loadModel.js";
import { validateAndCard } from "../models/validation/validateAndCard.js";
import type { CliIo } from "./CliIo.js";
import type { CandleSeries } from "../types/market.js";
import { parseDate, parseSymbols, parseTimeframe } from "./commonOptions.js";
import { openStore } from "./openStore.js";
import { dataQualityLines } from "./dataQualityLines.js";
import { DATA_QUALITY_HELP, DATA_QUALITY_OPTIONS, qualityFromFlags } from "./dataQualityOptions.js";
import { parseCommandArgs } from "./parseCommandArgs.js";

const HELP = `sigil train — fit a model, validate it walk-forward, write its artefact and model card

Usage: sigil train --model KIND [options]

  --model KIND          ma-momentum | lstm | gradient-boosting
  --symbols LIST        comma-separated (default: every symbol in the data)
  --timeframe TF        1d (default) or 1h
  --from / --to DATE    training data range (default: all)
  --train-window N      bars per training window (default 500)
  --test-window N       bars per out-of-sample window (default 90)
  --step N              bars between refits (default = test window)
  --seed N              (default 1): same data and seed → same weights and card
  --out DIR             artefact directory (default artefacts/<kind>-<timeframe>)
  --store URL [--venue V]  train on candles ingested with \`sigil ingest\` instead of the CSVs

${DATA_QUALITY_HELP.split("\n  --stale-after")[0]}

Each asset contributes its own trading span: one that lists late or stops early (delisted,
halted) does not cut the others' data; the command lists those spans.

Writes model.json (content-hashed), model-card.json and MODEL_CARD.md (data, features version,
hyper-parameters, walk-forward accuracy and information coefficient with bootstrap CIs and a
Monte Carlo null, limitations). Use the artefact with \`sigil backtest --model DIR\`.`;

export async function trainCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values: v } = parseCommandArgs("train", argv, {
    model: { type: "string" },
    symbols: { type: "string" },
    timeframe: { type: "string", default: "1d" },
    from: { type: "string" },
    to: { type: "string" },
    "train-window": { type: "string", default: "500" },
    "test-window": { type: "string", default: "90" },
    step: { type: "string" },
    seed: { type: "string", default: "1" },
    out: { type: "string" },
    store: { type: "string" },
    venue: { type: "string", default: "weex" },
    ...DATA_QUALITY_OPTIONS,
    help: { type: "boolean", short: "h" },
  });
  if (v.help) {
    io.out(HELP);
    return 0;
  }
  const kind = String(v.model ?? "");
  if (!(kind in MODEL_KINDS))
    throw new ConfigError(`train needs --model, one of ${Object.keys(MODEL_KINDS).join(", ")}`, {
      hint: "e.g. sigil train --model gradient-boosting --symbols BTC,ETH,SOL",
    });
  const int = (flag: string, min: number): number => {
    const n = Number(v[flag]);
    if (!Number.isInteger(n) || n < min)
      throw new ConfigError(`--${flag} must be an integer ≥ ${min}, got "${String(v[flag])}"`);
    return n;
  };
  const trainWindow = int("train-window", 20);
  const testWindow = int("test-window", 1);
  const step = v.step === undefined ? testWindow : int("step", 1);
  const seed = int("seed", 0);
  const timeframe = parseTimeframe(v.timeframe);
  const from = parseDate(v.from, "from") ?? 0;
  const to = parseDate(v.to, "to") ?? Number.MAX_SAFE_INTEGER;
  const out = String(v.out ?? join("artefacts", `${kind}-${timeframe}`));

  const quality = qualityFromFlags(v);
  const store = v.store === undefined ? undefined : openStore(String(v.store));
  try {
    const source = store
      ? new StoreCandleSource(store, String(v.venue), quality)
      : new CsvCandleSource(undefined, quality);
    const loaded = await source.load(timeframe, parseSymbols(v.symbols));
    for (const l of dataQualityLines(loaded.flatMap((s) => (s.quality ? [s.quality] : [])))) io.out(l);
    const series = loaded
      .map((s) => ({
        ...s,
        candles: s.candles.filter((c) => c.timestamp >= from && c.timestamp <= to),
      }))
      .filter((s) => {
        if (s.candles.length === 0) io.out(`${s.symbol}: no candles in --from/--to; left out`);
        return s.candles.length > 0;
      });
    if (series.length === 0) throw new MarketDataError("no symbol has candles in --from/--to");
    for (const l of tradingSpanLines(series)) io.out(l);
    const ds = buildModelDataset(series, { span: "each" });
    if (ds.timestamps.length < trainWindow + testWindow)
      throw new MarketDataError(
        `only ${ds.timestamps.length} bars with valid features; need train + test windows (${trainWindow + testWindow})`,
        { hint: "widen --from/--to, drop short symbols, or shrink the windows" },
      );
    io.out(
      `training ${kind} on ${ds.symbols.length} symbols × ${ds.timestamps.length} bars (${timeframe}), seed ${seed}`,
    );
    const { card, report } = await validateAndCard(
      ds,
      () => MODEL_KINDS[kind as ModelKind].make(),
      { trainWindow, testWindow, step, seed },
      out,
    );
    const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
    const acc = report.directionalAccuracy;
    const ic = report.pooledIc;
    io.out(
      [
        `walk-forward: ${report.decisions} out-of-sample predictions over ${report.dates} dates`,
        `directional accuracy ${pct(acc.estimate.value)} [${pct(acc.estimate.lo)}, ${pct(acc.estimate.hi)}], permutation p ${acc.null.p.toFixed(3)}`,
        `pooled IC ${ic.estimate.value.toFixed(4)} [${ic.estimate.lo.toFixed(4)}, ${ic.estimate.hi.toFixed(4)}], permutation p ${ic.null.p.toFixed(3)}`,
        `model ${card.name} ${card.versionHash}`,
        `wrote ${join(out, "model.json")}, ${join(out, "model-card.json")}, ${join(out, "MODEL_CARD.md")}`,
      ].join("\n"),
    );
    return 0;
  } catch (e) {
    if (e instanceof ModelError) throw new MarketDataError(e.message, { hint: "see `sigil train --help`" });
    throw e;
  } finally {
    await store?.close();
  }
}

/** "SOL/USDT stopped 2022-01-01 (others trade to 2023-06-30)" for each asset not spanning the whole range. */
function tradingSpanLines(series: readonly CandleSeries[]): string[] {
  const day = (t: number): string => new Date(t).toISOString().slice(0, 10);
  const first = Math.min(...series.map((s) => s.candles[0]!.timestamp));
  const last = Math.max(...series.map((s) => s.candles.at(-1)!.timestamp));
  const lines: string[] = [];
  for (const s of series) {
    const a = s.candles[0]!.timestamp;
    const b = s.candles.at(-1)!.timestamp;
    if (a === first && b === last) continue;
    const parts: string[] = [];
    if (a > first) parts.push(`lists ${day(a)}`);
    if (b < last) parts.push(`stopped trading after ${day(b)}`);
    lines.push(
      `${s.symbol}: ${parts.join(", ")} (data spans ${day(first)} .. ${day(last)}); it contributes ${day(a)} .. ${day(b)} only`,
    );
  }
  return lines;
}
