import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ManualClock } from "../../../offchain/data/Clock.js";
import { AssetList } from "../../../offchain/execution/AssetList.js";
import { CcxtVenue } from "../../../offchain/execution/CcxtVenue.js";
import { ExecutionEngine } from "../../../offchain/execution/ExecutionEngine.js";
import type { ExecutionEngineOptions } from "../../../offchain/execution/ExecutionEngine.js";
import { executionLimits } from "../../../offchain/execution/ExecutionLimits.js";
import { InMemoryReportSink } from "../../../offchain/execution/InMemoryReportSink.js";
import { InMemorySignalSource } from "../../../offchain/execution/InMemorySignalSource.js";
import { StaticKillLevel } from "../../../offchain/execution/KillLevelSource.js";
import { OrderStore } from "../../../offchain/execution/OrderStore.js";
import type { TradingVenue } from "../../../offchain/execution/TradingVenue.js";
import { packTargets } from "../../../offchain/protocol/targets.js";
import { FakeExchange } from "./FakeExchange.js";

export const T0 = Date.UTC(2026, 0, 5, 12);
export const SYMBOLS = ["BTC/USDT", "ETH/USDT"];

/** Targets in bps per asset index (0 = BTC, 1 = ETH). */
export function signal(sequence: number, weights: Record<number, number>) {
  return {
    sequence,
    targets: packTargets(Object.entries(weights).map(([a, w]) => [Number(a), w] as const)),
    timestamp: Math.floor(T0 / 1000),
  };
}

/** The vault the harness's NAV reports name. */
export const VAULT_ADDRESS = "0x000000000000000000000000000000000000Fa17";

export interface Harness {
  clock: ManualClock;
  ex: FakeExchange;
  dir: string;
  store: OrderStore;
  venue: CcxtVenue;
  assets: AssetList;
  signals: InMemorySignalSource;
  kill: StaticKillLevel;
  sink: InMemoryReportSink;
  engine: ExecutionEngine;
  events: { event: string; detail: Record<string, unknown> }[];
  /** A fresh engine (and store handle) on the same data dir and venue: a restarted process. */
  restart(): ExecutionEngine;
  cleanup(): void;
}

export function makeHarness(
  over: Partial<Omit<ExecutionEngineOptions, "venue">> & {
    cash?: number;
    venue?: (h: { store: OrderStore; venue: CcxtVenue }) => TradingVenue;
  } = {},
): Harness {
  const { cash, venue: wrapVenue, ...engineOver } = over;
  const clock = new ManualClock(T0);
  const ex = new FakeExchange(clock, {
    balances: { USDT: cash ?? 10_000 },
    prices: { "BTC/USDT": 50_000, "ETH/USDT": 2_500 },
  });
  const dir = mkdtempSync(join(tmpdir(), "sigil-exec-"));
  const assets = new AssetList([
    { index: 0, symbol: "BTC/USDT" },
    { index: 1, symbol: "ETH/USDT" },
  ]);
  const signals = new InMemorySignalSource();
  const kill = new StaticKillLevel();
  const sink = new InMemoryReportSink();
  const events: Harness["events"] = [];
  const venue = new CcxtVenue({ exchange: ex, symbols: SYMBOLS, quote: "USDT", clock });
  const build = (store: OrderStore) =>
    new ExecutionEngine({
      venue: wrapVenue ? wrapVenue({ store, venue }) : venue,
      store,
      assets,
      signals,
      killLevel: kill,
      limits: executionLimits({ maxOrderNotional: 8_000, maxAssetNotional: 9_000 }),
      clock,
      namespace: "sg",
      reports: sink,
      navReports: sink,
      vault: VAULT_ADDRESS,
      log: (event, detail) => events.push({ event, detail }),
      ...engineOver,
    });
  const h: Harness = {
    clock,
    ex,
    dir,
    store: OrderStore.inDir(dir),
    venue,
    assets,
    signals,
    kill,
    sink,
    engine: undefined as unknown as ExecutionEngine,
    events,
    restart() {
      h.store.close();
      h.store = OrderStore.inDir(dir);
      h.engine = build(h.store);
      return h.engine;
    },
    cleanup() {
      h.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  h.engine = build(h.store);
  return h;
}
