import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { BacktestAnalysis } from "../backtest/analyzeBacktest.js";
import type { BacktestResult } from "../backtest/BacktestResult.js";
import { MarketDataError, RunLogError } from "../engine/errors.js";
import type { Fill } from "../engine/ExecutionVenue.js";
import { canonicalJson } from "../runlog/canonicalJson.js";
import type { RunLogAmendment } from "../runlog/RunLogAmendment.js";
import { verifyRunLog } from "../runlog/verifyRunLog.js";
import type { RunLogRecord } from "../types/decision.js";

/** File names inside a run directory. */
export const RUN_FILES = {
  runLog: "run_log.jsonl",
  equity: "equity.csv",
  fills: "fills.csv",
  analysis: "analysis.json",
  summary: "summary.json",
  report: "report.html",
  snapshot: "portfolio_snapshot.png",
} as const;

/** What `report` and `verify-log` need back from a run directory. */
export interface RunDirectory {
  readonly summary: {
    readonly runId: string;
    readonly runLogHead: string;
    readonly settings: unknown;
    readonly title: string;
  };
  readonly equity: ReadonlyArray<{ readonly time: number; readonly equity: number; readonly cash: number }>;
  readonly fills: readonly Fill[];
  /** Decision records with `actualReturn` taken from their amendments. */
  readonly decisions: readonly RunLogRecord[];
  readonly analysis: BacktestAnalysis | null;
}

/**
 * Writes a backtest's machine-readable outputs. Everything is canonical JSON or CSV with the run
 * log's number formatting, so two identical runs produce byte-identical directories.
 */
export function writeRunDirectory(
  dir: string,
  r: BacktestResult,
  analysis: BacktestAnalysis,
  settings: unknown,
  title: string,
): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, RUN_FILES.runLog), r.runLog);
  const n = (x: number): string => canonicalJson(x);
  writeFileSync(
    join(dir, RUN_FILES.equity),
    "time,equity,cash,gross,killLevel\n" +
      r.equity
        .map(
          (p) =>
            `${p.time},${n(p.equity)},${n(p.cash)},${n(Object.values(p.values).reduce((a, v) => a + Math.abs(v), 0))},${p.killLevel}`,
        )
        .join("\n") +
      "\n",
  );
  writeFileSync(
    join(dir, RUN_FILES.fills),
    "timestamp,clientOrderId,symbol,side,quantity,price,fee,slippageCost,impactCost,reason\n" +
      r.fills
        .map(
          (f) =>
            `${f.timestamp},${f.clientOrderId},${f.symbol},${f.side},${n(f.quantity)},${n(f.price)},${n(f.fee)},${n(f.slippageCost)},${n(f.impactCost)},${f.reason}`,
        )
        .join("\n") +
      "\n",
  );
  writeFileSync(join(dir, RUN_FILES.analysis), canonicalJson(analysis) + "\n");
  writeFileSync(
    join(dir, RUN_FILES.summary),
    canonicalJson({
      runId: r.runId,
      runLogHead: r.runLogHead,
      decisions: r.decisions.length,
      fills: r.fills.length,
      settings,
      title,
    }) + "\n",
  );
}

/** Reads a run directory back, verifying its run log first. */
export function readRunDirectory(dir: string): RunDirectory {
  const path = (f: string): string => {
    const p = join(dir, f);
    if (!existsSync(p))
      throw new MarketDataError(`${p} not found`, {
        hint: "pass the folder a `sigil backtest --out` run wrote",
      });
    return p;
  };
  const summary = JSON.parse(readFileSync(path(RUN_FILES.summary), "utf8"));
  const v = verifyRunLog(readFileSync(path(RUN_FILES.runLog), "utf8"), { expectedHead: summary.runLogHead });
  if (!v.ok)
    throw new RunLogError(`run log of ${dir} fails verification at line ${v.firstBadLine}: ${v.reason}`);
  const actual = new Map<string, number>();
  for (const l of v.lines)
    if ("kind" in l && l.kind === "amendment")
      actual.set((l as RunLogAmendment).amends, (l as RunLogAmendment).actualReturn);
  const decisions = v.lines
    .filter((l): l is RunLogRecord => !("kind" in l))
    .map((d) => ({ ...d, actualReturn: actual.get(d.hash) ?? null }));
  const equity = readFileSync(path(RUN_FILES.equity), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => {
      const [time, eq, cash] = l.split(",").map(Number) as [number, number, number];
      return { time, equity: eq, cash };
    });
  const fills = readFileSync(path(RUN_FILES.fills), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .filter((l) => l !== "")
    .map((l): Fill => {
      const c = l.split(",");
      return {
        timestamp: Number(c[0]),
        clientOrderId: c[1]!,
        symbol: c[2]!,
        side: c[3] as Fill["side"],
        quantity: Number(c[4]),
        price: Number(c[5]),
        fee: Number(c[6]),
        slippageCost: Number(c[7]),
        impactCost: Number(c[8]),
        reason: c[9] as Fill["reason"],
      };
    });
  const analysisPath = join(dir, RUN_FILES.analysis);
  const analysis = existsSync(analysisPath)
    ? (JSON.parse(readFileSync(analysisPath, "utf8")) as BacktestAnalysis)
    : null;
  return { summary, equity, fills, decisions, analysis };
}
