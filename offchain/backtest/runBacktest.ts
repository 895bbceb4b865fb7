import { keccak256, toUtf8Bytes } from "ethers";
import { HistoricalClock } from "../engine/Clock.js";
import { ConfigError, MarketDataError } from "../engine/errors.js";
import { TradingKernel, equityOf } from "../engine/TradingKernel.js";
import { canonicalJson } from "../runlog/canonicalJson.js";
import { RunLogWriter } from "../runlog/RunLogWriter.js";
import type { MarketHistory, ScoreProvider } from "../strategy/ScoreProvider.js";
import type { StrategyConfig } from "../strategy/StrategyConfig.js";
import type { RunLogRecord } from "../types/decision.js";
import { TIMEFRAME_MS } from "../types/market.js";
import type { Candle, CandleSeries } from "../types/market.js";
import type { BacktestResult, EquityPoint, StaleEvent } from "./BacktestResult.js";
import type { ExecutionConfig } from "./ExecutionConfig.js";
import { SimulatedVenue } from "./SimulatedVenue.js";

export interface BacktestOptions {
  readonly series: readonly CandleSeries[];
  readonly provider: ScoreProvider;
  readonly strategy: StrategyConfig;
  readonly execution: ExecutionConfig;
  readonly seed: number;
  /** First decision time (ms); earlier data is warm-up only. Default: as soon as data allows. */
  readonly start?: number;
  /** Last bar open time replayed (ms, inclusive). */
  readonly end?: number;
  /**
   * Bars of the replay timeline without a candle after which an asset is stale (delisted or
   * halted): it is no longer marked at its last price (a held position is written down to zero
   * until it trades again), gets no new weight, and leaves the benchmarks. Default: three days of
   * bars (3 on 1d, 72 on 1h).
   */
  readonly staleAfterBars?: number;
  readonly onProgress?: (done: number, total: number) => void;
  /** Called after every decision (snapshots, live progress). */
  readonly onDecision?: (record: RunLogRecord, point: EquityPoint) => void | Promise<void>;
}

/**
 * Event-driven backtest: replays every candle of every series in time order (one event order:
 * by open time, then symbol), drives the simulated venue bar by bar, marks equity at each close,
 * runs the kernel's risk check on every mark and its decision cycle every `rebalanceEvery` steps.
 * The kernel is the same one paper and live wiring use; only the venue and clock differ here.
 * Deterministic: no wall clock, no randomness beyond `seed`, so identical inputs give
 * byte-identical results and run log. Call it through `wireBacktest`, which also guarantees the
 * data came from an offline source.
 *
 * An asset silent for more than `staleAfterBars` steps is stale: its last close no longer marks
 * the book, so a position in it counts zero in equity and exposure (written down: it cannot be
 * exited without a market) and is sold by the next decision once it trades again; every
 * stale period is listed in `result.stale`.
 */
export async function runBacktest(o: BacktestOptions): Promise<BacktestResult> {
  if (o.series.length === 0)
    throw new ConfigError("no candle series to backtest", { hint: "pass at least one symbol" });
  const timeframe = o.series[0]!.timeframe;
  for (const s of o.series)
    if (s.timeframe !== timeframe)
      throw new MarketDataError(
        `mixed timeframes: ${s.symbol} is ${s.timeframe}, ${o.series[0]!.symbol} is ${timeframe}`,
      );
  const barMs = TIMEFRAME_MS[timeframe];
  const periodsPerYear = (365 * 86_400_000) / barMs;
  const series = [...o.series].sort((a, b) => (a.symbol < b.symbol ? -1 : 1));
  const symbols = series.map((s) => s.symbol);
  const end = o.end ?? Infinity;
  const window = Math.max(o.provider.lookback, o.strategy.covarianceLookback + 1);
  const staleAfterBars = o.staleAfterBars ?? Math.max(3, Math.round((3 * 86_400_000) / barMs));
  if (!(Number.isInteger(staleAfterBars) && staleAfterBars >= 1))
    throw new ConfigError(`staleAfterBars must be an integer ≥ 1, got ${staleAfterBars}`);

  // Union of open times: the replay timeline.
  const times = new Set<number>();
  for (const s of series) for (const c of s.candles) if (c.timestamp <= end) times.add(c.timestamp);
  const timeline = [...times].sort((a, b) => a - b);
  if (timeline.length === 0) throw new MarketDataError("no candles inside the requested time range");
  const runId = makeRunId(o, series, symbols);

  const clock = new HistoricalClock(timeline[0]!);
  const venue = new SimulatedVenue(o.execution, barMs);
  const runLog = RunLogWriter.inMemory();
  const kernel = new TradingKernel({
    runId,
    seed: o.seed,
    provider: o.provider,
    strategy: o.strategy,
    venue,
    clock,
    runLog,
    periodsPerYear,
    orderType: o.execution.orderType,
  });

  const cursor = new Int32Array(series.length).fill(-1);
  /** Step of each series' latest candle (-1 before its first). */
  const seenAt = new Int32Array(series.length).fill(-1);
  const staleNow: Array<StaleEvent | null> = series.map(() => null);
  const stale: StaleEvent[] = [];
  const last: Record<string, number> = {};
  const closes: Record<string, Array<[number, number]>> = {};
  for (const s of symbols) closes[s] = [];
  const equity: EquityPoint[] = [];
  const decisions: RunLogRecord[] = [];
  let stepsSinceStart = 0;
  let started = false;
  const progressEvery = Math.max(1, Math.floor(timeline.length / 100));

  for (let step = 0; step < timeline.length; step++) {
    const t = timeline[step]!;
    const closeTime = t + barMs;
    const fresh: number[] = [];
    for (let j = 0; j < series.length; j++) {
      const c = series[j]!.candles;
      const i = cursor[j]! + 1;
      if (i < c.length && c[i]!.timestamp === t) {
        cursor[j] = i;
        fresh.push(j);
        clock.advanceTo(t);
        venue.onBar(symbols[j]!, c[i]!);
      }
    }
    clock.advanceTo(closeTime);
    for (const j of fresh) {
      const bar = series[j]!.candles[cursor[j]!]!;
      last[symbols[j]!] = bar.close;
      closes[symbols[j]!]!.push([closeTime, bar.close]);
      seenAt[j] = step;
      const was = staleNow[j];
      if (was) {
        stale[stale.indexOf(was)] = { ...was, resumedAt: closeTime };
        staleNow[j] = null;
      }
    }
    for (let j = 0; j < series.length; j++) {
      if (staleNow[j] || seenAt[j]! < 0 || step - seenAt[j]! <= staleAfterBars) continue;
      // Silent too long: stop marking at the last close; a held position is written down.
      const symbol = symbols[j]!;
      const quantity = venue.account().positions[symbol] ?? 0;
      const lastClose = last[symbol]!;
      const event: StaleEvent = {
        symbol,
        lastCandleClose: timeline[seenAt[j]!]! + barMs,
        staleFrom: closeTime,
        lastClose,
        quantity,
        writtenDown: quantity * lastClose,
        resumedAt: null,
      };
      stale.push(event);
      staleNow[j] = event;
      delete last[symbol];
    }
    const account = venue.account();
    const eq = equityOf(account, last);
    const killLevel = await kernel.onMark(eq, last);
    const values: Record<string, number> = {};
    for (const [s, q] of Object.entries(account.positions)) values[s] = q * (last[s] ?? 0);
    const point: EquityPoint = { time: closeTime, equity: eq, cash: account.cash, values, killLevel };
    equity.push(point);

    if (!started) {
      const ready = fresh.some((j) => cursor[j]! + 1 >= window);
      started = ready && (o.start === undefined || closeTime >= o.start);
    }
    if (started) {
      if (stepsSinceStart % o.strategy.rebalanceEvery === 0) {
        const history = historyAt(closeTime, timeframe, series, cursor, fresh, window);
        const { record } = await kernel.onDecision(history, last);
        decisions.push(record);
        if (o.onDecision) await o.onDecision(record, point);
      }
      stepsSinceStart++;
    }
    if (o.onProgress && (step % progressEvery === 0 || step === timeline.length - 1))
      o.onProgress(step + 1, timeline.length);
  }
  kernel.close(equity.at(-1)!.equity);

  return {
    runId,
    seed: o.seed,
    timeframe,
    periodsPerYear,
    symbols,
    strategy: o.strategy,
    execution: o.execution,
    equity,
    fills: venue.fills,
    rejects: venue.rejects,
    decisions,
    runLog: runLog.text(),
    runLogHead: runLog.headHash,
    feesPaid: venue.feesPaid,
    closes,
    requestedStart: o.start ?? null,
    staleAfterBars,
    stale,
    dataQuality: series.flatMap((s) => (s.quality ? [s.quality] : [])),
  };
}

/** Windows of at most `window` candles ending at the current bar, for symbols fresh at `time`. */
function historyAt(
  time: number,
  timeframe: CandleSeries["timeframe"],
  series: readonly CandleSeries[],
  cursor: Int32Array,
  fresh: readonly number[],
  window: number,
): MarketHistory {
  const candles: Record<string, readonly Candle[]> = {};
  const symbols: string[] = [];
  for (const j of fresh) {
    const i = cursor[j]!;
    const s = series[j]!;
    candles[s.symbol] = s.candles.slice(Math.max(0, i + 1 - window), i + 1);
    symbols.push(s.symbol);
  }
  return { time, timeframe, symbols, candles };
}

/** Content-derived run id: same config, data and seed → same id (no random UUIDs in replays). */
function makeRunId(o: BacktestOptions, series: readonly CandleSeries[], symbols: readonly string[]): string {
  return keccak256(
    toUtf8Bytes(
      canonicalJson({
        kind: "backtest",
        strategy: o.strategy as StrategyConfig,
        execution: o.execution,
        seed: o.seed,
        model: o.provider.model,
        featuresVersion: o.provider.featuresVersion,
        start: o.start ?? null,
        end: o.end ?? null,
        data: series.map((s) => [
          s.symbol,
          s.source,
          s.candles.length,
          s.candles[0]!.timestamp,
          s.candles.at(-1)!.timestamp,
          s.candles.at(-1)!.close,
        ]),
        symbols,
      }),
    ),
  );
}
