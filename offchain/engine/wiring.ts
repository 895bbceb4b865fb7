import type { BacktestResult } from "../backtest/BacktestResult.js";
import type { ExecutionConfig } from "../backtest/ExecutionConfig.js";
import { runBacktest } from "../backtest/runBacktest.js";
import type { BacktestOptions } from "../backtest/runBacktest.js";
import type { ScoreProvider } from "../strategy/ScoreProvider.js";
import type { StrategyConfig } from "../strategy/StrategyConfig.js";
import { keccak256, toUtf8Bytes } from "ethers";
import { canonicalJson } from "../runlog/canonicalJson.js";
import type { RunLogWriter } from "../runlog/RunLogWriter.js";
import type { KillLevel } from "../strategy/KillLevel.js";
import type { MarketHistory } from "../strategy/ScoreProvider.js";
import type { RunLogRecord } from "../types/decision.js";
import { TIMEFRAME_MS } from "../types/market.js";
import type { Candle, CandleSeries, Timeframe } from "../types/market.js";
import { HistoricalClock } from "./Clock.js";
import { ConfigError, MarketDataError, LiveSourceInBacktestError } from "./errors.js";
import type { AccountState, OrderRequest } from "./ExecutionVenue.js";
import { ShadowVenue } from "./ShadowVenue.js";
import { TradingKernel } from "./TradingKernel.js";
import type { CandleHistorySource } from "./CandleHistorySource.js";
import { withNetworkDisabled } from "./withNetworkDisabled.js";
import type { Clock as DataClock } from "../data/Clock.js";
import { systemClock as dataSystemClock } from "../data/Clock.js";
import type { AssetList } from "../execution/AssetList.js";
import { CcxtVenue, createCcxtExchange } from "../execution/CcxtVenue.js";
import { ExecutionEngine } from "../execution/ExecutionEngine.js";
import type { ExecutionLimits } from "../execution/ExecutionLimits.js";
import type { KillLevelSource } from "../execution/KillLevelSource.js";
import { LedgerFillIndex } from "../execution/LedgerFillIndex.js";
import type { LedgerFillIndexOptions } from "../execution/LedgerFillIndex.js";
import { OrderStore } from "../execution/OrderStore.js";
import type { ExecutionReportSink, NavReportSink } from "../execution/ReportSinks.js";
import { ShadowTradingVenue } from "../execution/ShadowTradingVenue.js";
import type { SignalSource } from "../execution/SignalSource.js";
import type { TradingVenue } from "../execution/TradingVenue.js";
import type { VenueCredentials } from "../execution/VenueCredentials.js";

/** The modes of the one kernel; only this module knows which one is running. */
export type EngineMode = "backtest" | "shadow" | "paper" | "live";

export interface BacktestWiring {
  readonly source: CandleHistorySource;
  readonly timeframe: Timeframe;
  readonly symbols?: readonly string[];
  readonly provider: ScoreProvider;
  readonly strategy: StrategyConfig;
  readonly execution: ExecutionConfig;
  readonly seed: number;
  readonly start?: number;
  readonly end?: number;
  /** See `BacktestOptions.staleAfterBars`. */
  readonly staleAfterBars?: number;
  readonly onProgress?: BacktestOptions["onProgress"];
  readonly onDecision?: BacktestOptions["onDecision"];
}

/**
 * Backtest mode: an offline source, a historical clock and the simulated venue around the shared
 * kernel. Refuses live sources, and runs with `fetch` disabled so no data can leak in from the
 * network even through a source that misreports its kind.
 *
 * @example
 * const result = await wireBacktest({ source: new CsvCandleSource(), timeframe: "1d", provider, strategy, execution, seed: 1 });
 */
export async function wireBacktest(w: BacktestWiring): Promise<BacktestResult> {
  if (w.source.kind !== "offline")
    throw new LiveSourceInBacktestError(
      `backtest refused source "${w.source.name}": it is a ${w.source.kind} source`,
      {
        hint: "backtests replay stored data; use an offline source such as CsvCandleSource",
      },
    );
  return withNetworkDisabled(`backtest source "${w.source.name}"`, async () => {
    const series = await w.source.load(w.timeframe, w.symbols);
    return runBacktest({
      series,
      provider: w.provider,
      strategy: w.strategy,
      execution: w.execution,
      seed: w.seed,
      start: w.start,
      end: w.end,
      ...(w.staleAfterBars === undefined ? {} : { staleAfterBars: w.staleAfterBars }),
      onProgress: w.onProgress,
      onDecision: w.onDecision,
    });
  });
}

export interface DecisionWiring {
  readonly source: CandleHistorySource;
  readonly timeframe: Timeframe;
  readonly symbols?: readonly string[];
  readonly provider: ScoreProvider;
  readonly strategy: StrategyConfig;
  readonly seed: number;
  /** Decide at this close time (ms) instead of the latest one in the data. */
  readonly at?: number;
  readonly capital: number;
  /** Quantities already held (signed base units). */
  readonly holdings?: Readonly<Record<string, number>>;
  readonly runLog: RunLogWriter;
}

export interface DecisionOutcome {
  readonly record: RunLogRecord;
  /** Orders the kernel would send (recorded by the shadow venue, not executed). */
  readonly orders: readonly OrderRequest[];
  readonly prices: Readonly<Record<string, number>>;
  readonly history: MarketHistory;
  readonly series: readonly CandleSeries[];
  /** The decision context besides history/provider/config (what an input snapshot records). */
  readonly context: {
    readonly runId: string;
    readonly seed: number;
    readonly held: Readonly<Record<string, number>>;
    readonly killLevel: KillLevel;
    readonly periodsPerYear: number;
  };
}

/**
 * Shadow mode for one decision (the \`decide\` command): the same kernel, a shadow venue holding
 * the given capital and holdings, and a clock fixed at the decision time (the last close), so the
 * record is reproducible from the same data. Any source kind is accepted; at integration the live
 * source plugs in here.
 */
export async function wireDecision(w: DecisionWiring): Promise<DecisionOutcome> {
  const series = await w.source.load(w.timeframe, w.symbols);
  const barMs = TIMEFRAME_MS[w.timeframe];
  const latest = Math.max(...series.map((s) => (s.candles.at(-1)?.timestamp ?? -Infinity) + barMs));
  const time = w.at ?? latest;
  const window = Math.max(w.provider.lookback, w.strategy.covarianceLookback + 1);
  const candles: Record<string, readonly Candle[]> = {};
  const symbols: string[] = [];
  const prices: Record<string, number> = {};
  for (const s of [...series].sort((a, b) => (a.symbol < b.symbol ? -1 : 1))) {
    const upTo = s.candles.filter((c) => c.timestamp + barMs <= time);
    const last = upTo.at(-1);
    if (!last) continue;
    prices[s.symbol] = last.close;
    if (last.timestamp + barMs !== time) continue; // stale at this time: not scored
    candles[s.symbol] = upTo.slice(-window);
    symbols.push(s.symbol);
  }
  if (symbols.length === 0)
    throw new MarketDataError(`no symbol has a candle closing at ${new Date(time).toISOString()}`, {
      hint: "pick a decision time inside the data (--at) or refresh the data",
    });
  const history: MarketHistory = { time, timeframe: w.timeframe, symbols, candles };
  const holdings = w.holdings ?? {};
  let invested = 0;
  for (const [s, q] of Object.entries(holdings)) {
    const p = prices[s];
    if (p === undefined)
      throw new MarketDataError(`holding ${s} has no price in the data`, {
        hint: "check the symbol spelling (e.g. BTC/USDT)",
      });
    invested += q * p;
  }
  const venue = new ShadowVenue({ cash: w.capital - invested, positions: { ...holdings } });
  const runId = keccak256(
    toUtf8Bytes(
      canonicalJson({
        kind: "decide",
        strategy: w.strategy,
        seed: w.seed,
        model: w.provider.model,
        timeframe: w.timeframe,
      }),
    ),
  );
  const periodsPerYear = (365 * 86_400_000) / barMs;
  const kernel = new TradingKernel({
    runId,
    seed: w.seed,
    provider: w.provider,
    strategy: w.strategy,
    venue,
    clock: new HistoricalClock(time),
    runLog: w.runLog,
    periodsPerYear,
  });
  const { record, held, killLevel } = await kernel.onDecision(history, prices);
  return {
    record,
    orders: venue.submitted,
    prices,
    history,
    series,
    context: { runId, seed: w.seed, held, killLevel, periodsPerYear },
  };
}

/** What paper, live and shadow wiring share: everything but the venue. */
export interface ExecutionWiringBase {
  /** Directory of the engine's SQLite store (order intents, fills, cursors). */
  readonly dataDir: string;
  readonly assets: AssetList;
  /** The signal source, built on the store so its cursor persists with the orders. */
  readonly signals: (store: OrderStore) => SignalSource;
  readonly killLevel: KillLevelSource;
  readonly limits: ExecutionLimits;
  readonly namespace: string;
  readonly reports: ExecutionReportSink;
  readonly navReports?: NavReportSink;
  /** The vault NAV reports settle (they name it); required with `navReports`. */
  readonly vault?: string;
  /**
   * The `TradeLedger` the execution reports land in. When known, fills it already recorded are
   * marked reported instead of being sent again (a crash between a report landing and the store
   * marking it); `skipRecordedFills: false` turns that off.
   */
  readonly ledger?: LedgerFillIndexOptions & { readonly skipRecordedFills?: boolean };
  /** Quote currency of the venue account (default USDT). */
  readonly quote?: string;
  /** Wall clock with sleep (default the system clock). */
  readonly clock?: DataClock;
  readonly orderType?: "market" | "limit";
  readonly staleOrderMs?: number;
  readonly nav?: () => Promise<number>;
  readonly log?: (event: string, detail: Record<string, unknown>) => void;
}

export interface LiveWiring extends ExecutionWiringBase {
  /** ccxt exchange id (default "weex"). */
  readonly exchangeId?: string;
  /** Must be the trading key. */
  readonly credentials: VenueCredentials;
  /** The venue's minimum order value when ccxt does not publish it (see CcxtVenueOptions). */
  readonly minNotional?: number;
}

export interface PaperWiring extends ExecutionWiringBase {
  /** The WEEX simulator's `ccxtUrls()`. */
  readonly urls: Record<string, unknown>;
  readonly credentials: VenueCredentials;
  /** The simulator replays history (server time = market time): do not shift ccxt's signing clock. */
  readonly replay?: boolean;
  /** The simulator's minimum order value (ccxt's `weex` does not publish one). */
  readonly minNotional?: number;
}

export interface ShadowWiring extends ExecutionWiringBase {
  readonly exchangeId?: string;
  /** Market-data endpoint override (e.g. the simulator); default the exchange's own. */
  readonly urls?: Record<string, unknown>;
  /** A read-only key or none: shadow mode never holds a key that can trade. */
  readonly credentials?: VenueCredentials;
  /** ccxt's request throttle (default true; off against a local simulator). */
  readonly throttle?: boolean;
  /** The virtual account shadow trading starts from. */
  readonly account: AccountState;
}

export interface ExecutionWiring {
  readonly mode: Exclude<EngineMode, "backtest">;
  readonly engine: ExecutionEngine;
  readonly venue: TradingVenue;
  readonly store: OrderStore;
  close(): Promise<void>;
}

function wireExecution(
  mode: ExecutionWiring["mode"],
  w: ExecutionWiringBase,
  venueOf: (store: OrderStore, clock: DataClock) => TradingVenue,
): ExecutionWiring {
  const store = OrderStore.inDir(w.dataDir);
  const clock = w.clock ?? dataSystemClock;
  const venue = venueOf(store, clock);
  const engine = new ExecutionEngine({
    venue,
    store,
    assets: w.assets,
    signals: w.signals(store),
    killLevel: w.killLevel,
    limits: w.limits,
    clock,
    namespace: w.namespace,
    reports: w.reports,
    ...(w.navReports ? { navReports: w.navReports } : {}),
    ...(w.vault ? { vault: w.vault } : {}),
    ...(w.ledger && w.ledger.skipRecordedFills !== false
      ? { recordedFills: new LedgerFillIndex(w.ledger) }
      : {}),
    ...(w.orderType ? { orderType: w.orderType } : {}),
    ...(w.staleOrderMs !== undefined ? { staleOrderMs: w.staleOrderMs } : {}),
    ...(w.nav ? { nav: w.nav } : {}),
    ...(w.log ? { log: w.log } : {}),
  });
  return {
    mode,
    engine,
    venue,
    store,
    async close() {
      await venue.close?.();
      store.close();
    },
  };
}

/**
 * Live mode: ccxt's exchange class (WEEX by default) with the trading key.
 *
 * @example
 * const { engine } = wireLive({ ...base, credentials: KeyVault.open(vaultPath, passphrase, "trading") });
 */
export function wireLive(w: LiveWiring): ExecutionWiring {
  if (w.credentials.role !== "trading")
    throw new ConfigError(`live execution needs the trading key, got the ${w.credentials.role} key`);
  return wireExecution("live", w, (_store, clock) => {
    const exchange = createCcxtExchange({ exchangeId: w.exchangeId ?? "weex", credentials: w.credentials });
    return new CcxtVenue({
      exchange,
      symbols: w.assets.symbols,
      quote: w.quote ?? "USDT",
      clock,
      ...(w.minNotional === undefined ? {} : { minNotional: w.minNotional }),
    });
  });
}

/** Paper mode: the very same ccxt class and venue adapter, pointed at the WEEX simulator. */
export function wirePaper(w: PaperWiring): ExecutionWiring {
  return wireExecution("paper", w, (_store, clock) => {
    const exchange = createCcxtExchange({
      exchangeId: "weex",
      urls: w.urls,
      credentials: w.credentials,
      // The simulator is on loopback and enforces WEEX's limits itself.
      enableRateLimit: false,
    });
    return new CcxtVenue({
      exchange,
      symbols: w.assets.symbols,
      quote: w.quote ?? "USDT",
      clock,
      alignSigningClock: !(w.replay ?? false),
      ...(w.minNotional === undefined ? {} : { minNotional: w.minNotional }),
    });
  });
}

/** Shadow mode: live market data, decisions logged, nothing placed; would-be fills from the book. */
export function wireShadow(w: ShadowWiring): ExecutionWiring {
  if (w.credentials && w.credentials.role !== "read-only")
    throw new ConfigError("shadow mode takes a read-only key (or none), never the trading key");
  return wireExecution("shadow", w, (store, clock) => {
    const exchange = createCcxtExchange({
      exchangeId: w.exchangeId ?? "weex",
      ...(w.urls ? { urls: w.urls } : {}),
      ...(w.credentials ? { credentials: w.credentials } : {}),
      enableRateLimit: w.throttle ?? true,
    });
    const market = new CcxtVenue({
      exchange,
      symbols: w.assets.symbols,
      quote: w.quote ?? "USDT",
      clock,
      alignSigningClock: false,
    });
    return new ShadowTradingVenue(market, store, w.account);
  });
}
