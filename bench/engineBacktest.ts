/**
 * Engine benchmark: backtest throughput (asset-bars/s) on all daily series and on hourly BTC+ETH,
 * the time of a full daily backtest over every asset with the moving-average strategy (target
 * < 2 s), and decision latency (features → scores → optimizer → log record) for 30 assets
 * (target < 250 ms). Prints figures and their ratio to the targets; no pass/fail.
 *
 * Run: npx tsx bench/engineBacktest.ts   (data: ../shared/data or SIGIL_DATA_DIR)
 */
import { calibrateImpact } from "../offchain/backtest/calibrateImpact.js";
import { CsvCandleSource } from "../offchain/backtest/CsvCandleSource.js";
import { parseExecutionConfig } from "../offchain/backtest/ExecutionConfig.js";
import { runBacktest } from "../offchain/backtest/runBacktest.js";
import { RunLogWriter } from "../offchain/runlog/RunLogWriter.js";
import { decideTargets } from "../offchain/strategy/decideTargets.js";
import { KillLevel } from "../offchain/strategy/KillLevel.js";
import { movingAverageMomentum } from "../offchain/strategy/movingAverageMomentum.js";
import type { MarketHistory } from "../offchain/strategy/ScoreProvider.js";
import { parseStrategyConfig } from "../offchain/strategy/StrategyConfig.js";
import type { Candle, CandleSeries } from "../offchain/types/market.js";

const source = new CsvCandleSource();
const execution = parseExecutionConfig({ impact: calibrateImpact().model });
const provider = movingAverageMomentum();

async function timeBacktest(
  series: CandleSeries[],
  rebalanceEvery: number,
): Promise<{ ms: number; assetBars: number; decisions: number }> {
  const strategy = parseStrategyConfig({ rebalanceEvery });
  const assetBars = series.reduce((a, s) => a + s.candles.length, 0);
  await runBacktest({ series, provider, strategy, execution, seed: 1 }); // warm-up (JIT)
  const runs: number[] = [];
  let decisions = 0;
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const r = await runBacktest({ series, provider, strategy, execution, seed: 1 });
    runs.push(performance.now() - t0);
    decisions = r.decisions.length;
  }
  runs.sort((a, b) => a - b);
  return { ms: runs[1]!, assetBars, decisions };
}

const daily = await source.load("1d");
const hourly = await source.load("1h", ["BTC/USDT", "ETH/USDT"]);
const d1 = await timeBacktest(daily, 1);
const d7 = await timeBacktest(daily, 7);
const h24 = await timeBacktest(hourly, 24);
const h1 = await timeBacktest(hourly, 1);

// Decision latency for 30 assets: the 21 daily series plus 9 replicas (renamed copies).
const replicas = daily.slice(0, 9).map((s) => ({ ...s, symbol: `${s.symbol.split("/")[0]}2/USDT` }));
const thirty = [...daily, ...replicas];
const time = Date.UTC(2023, 11, 31) + 86_400_000;
const window = 61;
const candles: Record<string, readonly Candle[]> = {};
for (const s of thirty)
  candles[s.symbol] = s.candles.filter((c) => c.timestamp + 86_400_000 <= time).slice(-window);
const history: MarketHistory = {
  time,
  timeframe: "1d",
  symbols: thirty.map((s) => s.symbol).sort(),
  candles,
};
const latencies: Record<string, number> = {};
for (const solver of ["exact", "greedy", "qaoa"] as const) {
  const strategy = parseStrategyConfig({ k: 4, topN: solver === "qaoa" ? 10 : 12, solver });
  const log = RunLogWriter.inMemory();
  const samples: number[] = [];
  for (let i = 0; i < (solver === "qaoa" ? 5 : 30); i++) {
    const t0 = performance.now();
    const d = await decideTargets(history, provider, strategy, {
      runId: "0xbench",
      seed: i,
      held: {},
      killLevel: KillLevel.Normal,
      periodsPerYear: 365,
      clock: () => performance.now(),
    });
    log.appendDecision(d);
    samples.push(performance.now() - t0);
  }
  samples.sort((a, b) => a - b);
  latencies[solver] = samples[Math.floor(samples.length / 2)]!;
}

const f = (x: number, d = 0): string =>
  x.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
const rows = [
  ["daily, 21 assets, rebalance every bar", d1],
  ["daily, 21 assets, rebalance every 7 bars (CLI default)", d7],
  ["hourly BTC+ETH, rebalance every 24 bars", h24],
  ["hourly BTC+ETH, rebalance every bar", h1],
] as const;
console.log(`Engine benchmark (Node ${process.version}, ${new Date().toISOString().slice(0, 10)})`);
console.log("\nBacktest throughput (median of 3 after a warm-up):");
for (const [label, r] of rows)
  console.log(
    `  ${label.padEnd(56)} ${f(r.assetBars).padStart(7)} asset-bars, ${f(r.decisions).padStart(5)} decisions, ${f(r.ms, 1).padStart(8)} ms, ${f((r.assetBars / r.ms) * 1000).padStart(9)} asset-bars/s`,
  );
console.log("\nFull daily backtest, every asset, MA strategy (target < 2000 ms):");
console.log(`  rebalance every bar: ${f(d1.ms, 1)} ms = ${f(d1.ms / 2000, 2)}× target`);
console.log(`  rebalance every 7 bars: ${f(d7.ms, 1)} ms = ${f(d7.ms / 2000, 2)}× target`);
console.log(
  "\nDecision latency, 30 assets, features → scores → optimizer → log record (median; target < 250 ms):",
);
for (const [solver, ms] of Object.entries(latencies))
  console.log(`  ${solver.padEnd(7)} ${f(ms, 2).padStart(8)} ms = ${f(ms / 250, 3)}× target`);
