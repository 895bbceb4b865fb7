import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { analysisStart, analyzeBacktest } from "../backtest/analyzeBacktest.js";
import { wireBacktest } from "../engine/wiring.js";
import { htmlReport } from "../report/htmlReport.js";
import { formatPeriodicReport, periodicReport } from "../report/periodicReport.js";
import { portfolioSnapshotSvg } from "../report/portfolioSnapshotSvg.js";
import { renderPng } from "../report/renderPng.js";
import { RUN_FILES, writeRunDirectory } from "../report/runDirectory.js";
import { ConfigError } from "../engine/errors.js";
import type { RunLogRecord } from "../types/decision.js";
import type { CliIo } from "./CliIo.js";
import {
  EXECUTION_HELP,
  EXECUTION_OPTIONS,
  STRATEGY_HELP,
  STRATEGY_OPTIONS,
  executionFromFlags,
  maFromFlags,
  parseDate,
  parseSymbols,
  parseTimeframe,
  seedFrom,
  strategyFromFlags,
} from "./commonOptions.js";
import {
  DATA_AND_MODEL_HELP,
  DATA_AND_MODEL_OPTIONS,
  providerFromFlags,
  sourceFromFlags,
} from "./dataAndModelOptions.js";
import { dataQualityLines } from "./dataQualityLines.js";
import { qualityFromFlags } from "./dataQualityOptions.js";
import { parseCommandArgs } from "./parseCommandArgs.js";
import { progress } from "./progress.js";

const HELP = `sigil backtest — event-driven backtest of the strategy on the shared data

Usage: sigil backtest [options]

  --from DATE / --to DATE    first decision / last bar (e.g. 2020-01-01)
  --out DIR                  run directory (default runs/backtest-<run id>)
  --snapshots last|all|none  portfolio_snapshot.png for the last or every decision (default last)
${DATA_AND_MODEL_HELP}

${STRATEGY_HELP}

${EXECUTION_HELP}

Writes run_log.jsonl, equity.csv, fills.csv, analysis.json, summary.json, report.html,
monthly.txt, weekly.txt and portfolio_snapshot.png into the run directory.`;

export async function backtestCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const { values: v } = parseCommandArgs("backtest", argv, {
    ...STRATEGY_OPTIONS,
    ...EXECUTION_OPTIONS,
    from: { type: "string" },
    to: { type: "string" },
    out: { type: "string" },
    snapshots: { type: "string", default: "last" },
    ...DATA_AND_MODEL_OPTIONS,
  });
  if (v.help) {
    io.out(HELP);
    return 0;
  }
  const snapshots = String(v.snapshots);
  if (!["last", "all", "none"].includes(snapshots))
    throw new ConfigError(`--snapshots must be last, all or none, got "${snapshots}"`);
  const strategy = strategyFromFlags(v);
  const execution = executionFromFlags(v);
  const timeframe = parseTimeframe(v.timeframe);
  const ma = maFromFlags(v);
  const seed = seedFrom(v);
  const bar = progress(io, "backtest");
  let out = v.out === undefined ? null : String(v.out);
  const pendingSnapshots: Array<[RunLogRecord, number]> = [];
  const provider = await providerFromFlags(v, ma);
  const quality = qualityFromFlags(v);
  const { source, close } = sourceFromFlags(v);
  const result = await wireBacktest({
    source,
    timeframe,
    symbols: parseSymbols(v.symbols),
    provider,
    strategy,
    execution,
    seed,
    start: parseDate(v.from, "from"),
    end: parseDate(v.to, "to"),
    ...(quality.staleAfterBars === undefined ? {} : { staleAfterBars: quality.staleAfterBars }),
    onProgress: bar.update,
    onDecision:
      snapshots === "all" ? (record, point) => void pendingSnapshots.push([record, point.equity]) : undefined,
  });
  bar.stop();
  await close();
  out ??= join("runs", `backtest-${result.runId.slice(2, 12)}`);
  const analysis = analyzeBacktest(result);
  const settings = { timeframe, symbols: result.symbols, seed, movingAverages: ma, strategy, execution };
  const scorer = v.model === undefined ? `MA ${ma.fast}/${ma.slow}` : `model ${provider.model.name}`;
  const title = `Sigil backtest: ${scorer}, ${strategy.mode}, k=${strategy.k}, ${timeframe}`;
  writeRunDirectory(out, result, analysis, settings, title);
  const from = analysisStart(result);
  const equity = result.equity.filter((p) => p.time >= from);
  const decisionsWithActual = withActualReturns(result.runLog, result.decisions);
  const input = { equity, decisions: decisionsWithActual, fills: result.fills };
  const monthly = periodicReport(input, "monthly");
  writeFileSync(join(out, "monthly.txt"), formatPeriodicReport(monthly, "monthly") + "\n");
  writeFileSync(
    join(out, "weekly.txt"),
    formatPeriodicReport(periodicReport(input, "weekly"), "weekly") + "\n",
  );
  writeFileSync(
    join(out, RUN_FILES.report),
    htmlReport({
      title,
      runId: result.runId,
      runLogHead: result.runLogHead,
      equity,
      decisions: result.decisions,
      analysis,
      monthly,
      settings,
    }),
  );
  const last = result.decisions.at(-1);
  if (last && snapshots !== "none")
    writeFileSync(
      join(out, RUN_FILES.snapshot),
      renderPng(portfolioSnapshotSvg(last, result.equity.at(-1)!.equity)),
    );
  if (snapshots === "all") {
    const dir = join(out, "snapshots");
    mkdirSync(dir, { recursive: true });
    const snap = progress(io, "snapshots");
    pendingSnapshots.forEach(([record, eq], i) => {
      writeFileSync(
        join(dir, `portfolio_snapshot-${new Date(record.timestamp).toISOString().replace(/[:.]/g, "-")}.png`),
        renderPng(portfolioSnapshotSvg(record, eq)),
      );
      snap.update(i + 1, pendingSnapshots.length);
    });
    snap.stop();
  }
  const m = analysis.strategy;
  const pct = (x: number | null): string => (x === null ? "—" : `${(x * 100).toFixed(2)}%`);
  const day = (t: number | null): string => (t === null ? "none" : new Date(t).toISOString().slice(0, 10));
  const period = analysis.period;
  io.out(
    [
      ...dataQualityLines(result.dataQuality, result.stale, result.staleAfterBars),
      `run ${result.runId}`,
      `metrics and benchmarks from ${day(period.from)} (${period.basis === "requested-start" ? "the requested --from" : "the first decision, after warm-up; pass --from to choose"}) to ${day(period.to)}; first decision ${day(period.firstDecision)}`,
      `${result.symbols.length} symbols, ${result.equity.length} bars, ${result.decisions.length} decisions, ${result.fills.length} fills`,
      `total return ${pct(m.totalReturn)}  CAGR ${pct(m.cagr)}  Sharpe ${m.sharpe?.toFixed(2) ?? "—"}  max DD ${pct(m.maxDrawdown)}  fees ${m.feesPaid.toFixed(2)}`,
      `buy & hold BTC ${pct(analysis.benchmarks.buyAndHoldBtc?.totalReturn ?? null)}  equal weight ${pct(analysis.benchmarks.equalWeight.totalReturn)}`,
      `run log head ${result.runLogHead}`,
      `wrote ${out}/{${RUN_FILES.runLog},${RUN_FILES.report},${RUN_FILES.snapshot},...}`,
    ].join("\n"),
  );
  return 0;
}

/** Decision records with the realised returns of their amendment lines. */
export function withActualReturns(runLog: string, decisions: readonly RunLogRecord[]): RunLogRecord[] {
  const actual = new Map<string, number>();
  for (const line of runLog.split("\n")) {
    if (!line.includes('"kind":"amendment"')) continue;
    const a = JSON.parse(line) as { amends: string; actualReturn: number };
    actual.set(a.amends, a.actualReturn);
  }
  return decisions.map((d) => ({ ...d, actualReturn: actual.get(d.hash) ?? null }));
}
