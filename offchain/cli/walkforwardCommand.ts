import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CsvCandleSource } from "../backtest/CsvCandleSource.js";
import { walkForward } from "../backtest/walkForward.js";
import { ConfigError } from "../engine/errors.js";
import { withNetworkDisabled } from "../engine/withNetworkDisabled.js";
import { canonicalJson } from "../runlog/canonicalJson.js";
import { staleAfterBarsFor } from "../data/quality/DataQualityConfig.js";
import { movingAverageMomentum } from "../strategy/movingAverageMomentum.js";
import { TIMEFRAME_MS } from "../types/market.js";
import type { CliIo } from "./CliIo.js";
import {
  EXECUTION_HELP,
  EXECUTION_OPTIONS,
  STRATEGY_HELP,
  STRATEGY_OPTIONS,
  executionFromFlags,
  parseDate,
  parseSymbols,
  parseTimeframe,
  seedFrom,
  strategyFromFlags,
} from "./commonOptions.js";
import { dataQualityLines } from "./dataQualityLines.js";
import { DATA_QUALITY_HELP, DATA_QUALITY_OPTIONS, qualityFromFlags } from "./dataQualityOptions.js";
import { parseCommandArgs } from "./parseCommandArgs.js";
import { progress } from "./progress.js";

const HELP = `sigil walkforward — rolling in-sample selection, out-of-sample backtests

Usage: sigil walkforward [options]

  --train DAYS               in-sample window (default 365)
  --test DAYS                out-of-sample window; folds roll by this (default 90)
  --candidates LIST          moving-average pairs to choose from, e.g. 10/50,20/100 (default 10/50,20/100,5/30)
  --from DATE --to DATE      data range
  --out FILE                 write the folds as JSON (default: print only)

${DATA_QUALITY_HELP}

${STRATEGY_HELP}

${EXECUTION_HELP}`;

export async function walkforwardCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values: v } = parseCommandArgs("walkforward", argv, {
    ...STRATEGY_OPTIONS,
    ...EXECUTION_OPTIONS,
    train: { type: "string", default: "365" },
    test: { type: "string", default: "90" },
    candidates: { type: "string", default: "10/50,20/100,5/30" },
    from: { type: "string" },
    to: { type: "string" },
    out: { type: "string" },
    ...DATA_QUALITY_OPTIONS,
  });
  if (v.help) {
    io.out(HELP);
    return 0;
  }
  const candidates = String(v.candidates)
    .split(",")
    .map((c) => {
      const m = /^(\d+)\/(\d+)$/.exec(c.trim());
      if (!m) throw new ConfigError(`--candidates entries look like FAST/SLOW (e.g. 10/50), got "${c}"`);
      const params = { fast: Number(m[1]), slow: Number(m[2]) };
      movingAverageMomentum(params); // validate now, not mid-run
      return { label: c.trim(), params };
    });
  const trainDays = Number(v.train);
  const testDays = Number(v.test);
  if (!(trainDays >= 1 && testDays >= 1))
    throw new ConfigError("--train and --test must be positive numbers of days");
  const quality = qualityFromFlags(v);
  const source = new CsvCandleSource(undefined, quality);
  const series = await withNetworkDisabled("walk-forward data", () =>
    source.load(parseTimeframe(v.timeframe), parseSymbols(v.symbols)),
  );
  const bar = progress(io, "walk-forward folds");
  const result = await withNetworkDisabled("walk-forward", async () =>
    walkForward({
      series,
      ...(quality.staleAfterBars === undefined ? {} : { staleAfterBars: quality.staleAfterBars }),
      candidates,
      makeProvider: (p) => movingAverageMomentum(p),
      strategy: strategyFromFlags(v),
      execution: executionFromFlags(v),
      seed: seedFrom(v),
      trainDays,
      testDays,
      from: parseDate(v.from, "from"),
      to: parseDate(v.to, "to"),
      onFold: bar.update,
    }),
  );
  bar.stop();
  for (const l of dataQualityLines(
    series.flatMap((s) => (s.quality ? [s.quality] : [])),
    result.stale,
    staleAfterBarsFor(quality, TIMEFRAME_MS[parseTimeframe(v.timeframe)]),
  ))
    io.out(l);
  const pct = (x: number | null): string => (x === null ? "—" : `${(x * 100).toFixed(2)}%`);
  const d = (t: number): string => new Date(t).toISOString().slice(0, 10);
  io.out("test from   test to     chosen    IS Sharpe  OOS return  OOS Sharpe  OOS max DD");
  for (const f of result.folds)
    io.out(
      `${d(f.testFrom)}  ${d(f.testTo)}  ${f.chosen.padEnd(8)}  ${(f.inSampleSharpe?.toFixed(2) ?? "—").padStart(9)}  ${pct(f.outOfSample.totalReturn).padStart(10)}  ${(f.outOfSample.sharpe?.toFixed(2) ?? "—").padStart(10)}  ${pct(f.outOfSample.maxDrawdown).padStart(10)}`,
    );
  const o = result.outOfSample;
  io.out(
    `out-of-sample overall: return ${pct(o.totalReturn)}, CAGR ${pct(o.cagr)}, Sharpe ${o.sharpe?.toFixed(2) ?? "—"}, max DD ${pct(o.maxDrawdown)}`,
  );
  if (v.out !== undefined) {
    const file = String(v.out);
    mkdirSync(join(file, ".."), { recursive: true });
    writeFileSync(
      file,
      canonicalJson({
        folds: result.folds,
        outOfSample: result.outOfSample,
        dataQuality: series.flatMap((s) => (s.quality ? [s.quality] : [])),
        stale: result.stale,
      }) + "\n",
    );
    io.out(`wrote ${file}`);
  }
  return 0;
}
